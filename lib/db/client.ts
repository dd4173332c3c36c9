import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "@/generated/prisma/client";
import { lockEmbeddedDataDir } from "@/lib/db/database-lock";
import { sqlOverPGlite, sqlOverPgPool, type Sql } from "@/lib/db/sql";
import type { DbTarget } from "@/lib/db/target";

export type Db = PrismaClient;

export type DbHandle = { db: Db; close(): Promise<void> };

/**
 * The plain-SQL executor sharing each client's connections (lib/db/sql.ts), kept on the client
 * under a registered symbol: the production server's annotator fast path and Next's bundle each
 * load their own copy of this module, and share the one client (lib/db/index.ts).
 */
const SQL = Symbol.for("percept.sql");

function attachSql(db: Db, sql: Sql): void {
  Object.defineProperty(db, SQL, { value: sql });
}

export function sqlOf(db: Db): Sql {
  const sql = (db as Db & { [SQL]?: Sql })[SQL];
  if (!sql) throw new Error("sqlOf: this Prisma client was not made by openDb()");
  return sql;
}

/**
 * Builds a client for a target. Only lib/db calls this; the app uses getDb(), tests and
 * scripts that need their own throw-away database use it through openDb().
 */
export function openDb(target: DbTarget, options: { poolSize?: number } = {}): DbHandle {
  if (target.kind === "postgres") {
    // One pool for Prisma and the trial loop's plain SQL, so the connection budget is one number.
    const pool = new pg.Pool({ connectionString: target.url, max: options.poolSize ?? 10, connectionTimeoutMillis: 10_000 });
    // An idle connection cut by a database restart is an 'error' event: unheard, it would end the
    // process. The pool drops that connection; the next query opens a new one.
    pool.on("error", (error) => console.warn(`[db] idle connection lost: ${error.message}`));
    const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    attachSql(db, sqlOverPgPool(pool));
    return {
      db,
      async close() {
        await db.$disconnect();
        // Prisma ends the pool only if it ever connected; plain SQL may have used it alone.
        if (!pool.ended) await pool.end();
      },
    };
  }
  const unlock = lockEmbeddedDataDir(target.dataDir);
  const client = new PGlite({ dataDir: target.dataDir });
  const db = new PrismaClient({ adapter: new PrismaPGlite(client) });
  attachSql(db, sqlOverPGlite(client));
  return {
    db,
    async close() {
      await db.$disconnect();
      await client.close();
      unlock();
    },
  };
}
