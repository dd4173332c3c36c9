import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "@/generated/prisma/client";
import { lockEmbeddedDataDir } from "@/lib/db/database-lock";
import type { DbTarget } from "@/lib/db/target";

export type Db = PrismaClient;

export type DbHandle = { db: Db; close(): Promise<void> };

/**
 * Builds a client for a target. Only lib/db calls this; the app uses getDb(), tests and
 * scripts that need their own throw-away database use it through openDb().
 */
export function openDb(target: DbTarget, options: { poolSize?: number } = {}): DbHandle {
  if (target.kind === "postgres") {
    const db = new PrismaClient({
      adapter: new PrismaPg({ connectionString: target.url, max: options.poolSize ?? 10, connectionTimeoutMillis: 10_000 }),
    });
    return { db, close: () => db.$disconnect() };
  }
  const unlock = lockEmbeddedDataDir(target.dataDir);
  const client = new PGlite({ dataDir: target.dataDir });
  const db = new PrismaClient({ adapter: new PrismaPGlite(client) });
  return {
    db,
    async close() {
      await db.$disconnect();
      await client.close();
      unlock();
    },
  };
}
