import { getEnv } from "@/lib/env";
import { openDb, type Db } from "@/lib/db/client";
import { dbTargetFrom } from "@/lib/db/target";

export type { Db } from "@/lib/db/client";
export { sqlOf } from "@/lib/db/client";
export { sqlTimestamp, type Sql } from "@/lib/db/sql";
export { Prisma } from "@/generated/prisma/client";
export * from "@/generated/prisma/enums";

// One client per process. Kept on globalThis so that Next's dev-mode module reloads reuse it
// (a second PGlite on the same directory would be refused by the pid lock).
const holder = globalThis as typeof globalThis & { __perceptDb?: Db };

/** The process-wide Prisma client: the one way the app reaches the database. */
export function getDb(): Db {
  holder.__perceptDb ??= openDb(dbTargetFrom(getEnv())).db;
  return holder.__perceptDb;
}
