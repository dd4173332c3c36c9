import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";

/**
 * Plain parameterized SQL on the same connections as the Prisma client. Only the annotator's
 * trial loop uses it (lib/sessions/trials.ts, lib/sessions/stimuli.ts): it runs a few hundred
 * times a second under load, and there Prisma's interactive transactions cost ≈ 1.3 ms of CPU
 * for three statements against ≈ 0.26 ms through node-postgres (docs/benchmarks.md), and Prisma
 * cannot express the trial loop's conditional writes in one statement. Everything else stays on
 * Prisma.
 *
 * Timestamps go in as ISO strings cast to `timestamp` (Prisma stores UTC in timestamp without
 * time zone; a JS Date would be sent in the process's local zone) and are compared in SQL rather
 * than read back.
 */
export type Sql = {
  /** One statement, in its own implicit transaction: the trial loop needs no more (lib/sessions/trial-sql.ts). */
  query<Row extends object>(text: string, params?: readonly unknown[]): Promise<Row[]>;
};

/**
 * Every statement is prepared once per connection, under a name given by its text: the trial
 * loop's few statements run hundreds of times a second, and parsing and planning them each time
 * was a good part of PostgreSQL's work per request.
 */
export function sqlOverPgPool(pool: pg.Pool): Sql {
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined) names.set(text, (name = `percept_${names.size + 1}`));
    return name;
  };
  return {
    async query<Row extends object>(text: string, params: readonly unknown[] = []) {
      return (await pool.query<Row & pg.QueryResultRow>({ name: nameOf(text), text, values: params as unknown[] })).rows;
    },
  };
}

export function sqlOverPGlite(client: PGlite): Sql {
  return {
    async query<Row extends object>(text: string, params: readonly unknown[] = []) {
      return (await client.query<Row>(text, params as unknown[])).rows;
    },
  };
}

/** A value for a `$n::timestamp` parameter: UTC, as Prisma writes DateTime columns. */
export function sqlTimestamp(date: Date): string {
  return date.toISOString();
}
