import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { Role } from "@/lib/db";
import { openDb, type Db } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import type { DbTarget } from "@/lib/db/target";

/**
 * Integration tests run on the embedded database always, and also on a PostgreSQL server when
 * TEST_DATABASE_URL is set. Each test file gets a fresh throw-away database that it drops.
 */
export type TargetKind = "pglite" | "postgres";

export function targetKinds(): TargetKind[] {
  return process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}

function serverUrl(database: string): string {
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}

export type ScratchDatabase = { target: DbTarget; drop(): Promise<void> };

/** An empty database (nothing migrated). */
export async function createScratchDatabase(kind: TargetKind): Promise<ScratchDatabase> {
  if (kind === "pglite") {
    const dir = mkdtempSync(path.join(tmpdir(), "percept-test-"));
    return { target: { kind: "pglite", dataDir: path.join(dir, "pglite") }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `percept_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: serverUrl("postgres") });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return {
    target: { kind: "postgres", url: serverUrl(name) },
    async drop() {
      const cleaner = new pg.Client({ connectionString: serverUrl("postgres") });
      await cleaner.connect();
      await cleaner.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleaner.end();
    },
  };
}

export type TestDatabase = { db: Db; target: DbTarget; cleanup(): Promise<void> };

/** A migrated throw-away database with a client. */
export async function createTestDatabase(kind: TargetKind): Promise<TestDatabase> {
  const scratch = await createScratchDatabase(kind);
  await migrateDatabase(scratch.target);
  const handle = openDb(scratch.target, { poolSize: 4 });
  return {
    db: handle.db,
    target: scratch.target,
    async cleanup() {
      await handle.close();
      await scratch.drop();
    },
  };
}

/** A raw SQL session on a target, for tests that tamper with the database behind Prisma's back. */
export async function rawSql<T>(db: Db, sql: string): Promise<T> {
  return (await db.$queryRawUnsafe(sql)) as T;
}

/** A user as the guard sees it (CurrentUser), created directly: tests need no sign-up flow. */
export async function createTestUser(db: Db, email: string, role: Role) {
  return db.user.create({ data: { email, role, name: email }, select: { id: true, email: true, name: true, role: true } });
}
