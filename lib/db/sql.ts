import type { PGlite, Transaction as PGliteTransaction } from "@electric-sql/pglite";
import type pg from "pg";

/**
 * Plain parameterized SQL on the same connections as the Prisma client. Only the annotator's
 * trial loop uses it (lib/sessions/trials.ts, lib/sessions/stimuli.ts): it runs a few hundred
 * times a second under load, and there Prisma's interactive transactions cost ≈ 1.3 ms of CPU
 * for three statements against ≈ 0.26 ms through node-postgres (docs/benchmarks.md). Everything
 * else stays on Prisma.
 *
 * Timestamps go in as ISO strings cast to `timestamp` (Prisma stores UTC in timestamp without
 * time zone; a JS Date would be sent in the process's local zone) and are compared in SQL rather
 * than read back.
 */
export type Sql = {
  query<Row extends object>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
};

/** A transaction's own executor: nesting is a programming error, not a savepoint. */
function inTransaction(query: Sql["query"]): Sql {
  return {
    query,
    transaction: () => Promise.reject(new Error("Sql.transaction: already in a transaction")),
  };
}

export function sqlOverPgPool(pool: pg.Pool): Sql {
  return {
    async query<Row extends object>(text: string, params: readonly unknown[] = []) {
      return (await pool.query<Row & pg.QueryResultRow>(text, params as unknown[])).rows;
    },
    async transaction(work) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const result = await work(inTransaction(async (text, params = []) => (await client.query(text, params as unknown[])).rows));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        // A connection that cannot even roll back is dropped from the pool, not reused.
        await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}

export function sqlOverPGlite(client: PGlite): Sql {
  const over = (target: PGlite | PGliteTransaction): Sql["query"] =>
    async function query<Row extends object>(text: string, params: readonly unknown[] = []) {
      return (await target.query<Row>(text, params as unknown[])).rows;
    };
  return {
    query: over(client),
    transaction: (work) => client.transaction((tx) => work(inTransaction(over(tx)))),
  };
}

/** A value for a `$n::timestamp` parameter: UTC, as Prisma writes DateTime columns. */
export function sqlTimestamp(date: Date): string {
  return date.toISOString();
}
