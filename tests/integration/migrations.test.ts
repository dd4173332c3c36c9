import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { openDb } from "@/lib/db/client";
import { migrateDatabase, MigrationError, pendingSchemaChanges } from "@/lib/db/migrate";
import { readMigrationList } from "@/lib/db/migration-files";
import { createScratchDatabase, targetKinds, type ScratchDatabase } from "../support/test-db";

const migrationNames = readMigrationList().migrationDirectories.map((directory) => directory.path);

describe.each(targetKinds())("migrations on %s", (kind) => {
  let scratch: ScratchDatabase | undefined;
  afterEach(async () => {
    await scratch?.drop();
    scratch = undefined;
  });

  it("applies every committed migration once, records them in _prisma_migrations, and is idempotent", async () => {
    scratch = await createScratchDatabase(kind);
    expect(await migrateDatabase(scratch.target)).toEqual(migrationNames);
    expect(await migrateDatabase(scratch.target)).toEqual([]);
    const handle = openDb(scratch.target);
    const rows = await handle.db.$queryRawUnsafe<{ migration_name: string; finished_at: Date | null }[]>(
      `SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name`,
    );
    await handle.close();
    expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
    expect(rows.every((row) => row.finished_at !== null)).toBe(true);
  });

  it("stops with DRIFT when the schema was changed by hand", async () => {
    scratch = await createScratchDatabase(kind);
    await migrateDatabase(scratch.target);
    const handle = openDb(scratch.target);
    await handle.db.$executeRawUnsafe(`ALTER TABLE "Study" ADD COLUMN "hand_made" TEXT`);
    await handle.close();
    const failure = await migrateDatabase(scratch.target).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as MigrationError).code).toBe("DRIFT");
    expect((failure as MigrationError).message).toContain("hand_made");
  });

  it("stops with DB_AHEAD_OF_CODE when the database knows a migration the code does not", async () => {
    scratch = await createScratchDatabase(kind);
    await migrateDatabase(scratch.target);
    const handle = openDb(scratch.target);
    await handle.db.$executeRawUnsafe(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ('future', 'abc', '29991231000000_from_the_future', now(), now(), 1)`,
    );
    await handle.close();
    const failure = await migrateDatabase(scratch.target).catch((error: unknown) => error);
    expect((failure as MigrationError).code).toBe("DB_AHEAD_OF_CODE");
    expect((failure as MigrationError).message).toContain("29991231000000_from_the_future");
  });

  it("stops with MIGRATION_EDITED when an applied migration file changed", async () => {
    scratch = await createScratchDatabase(kind);
    await migrateDatabase(scratch.target);
    const handle = openDb(scratch.target);
    await handle.db.$executeRawUnsafe(`UPDATE _prisma_migrations SET checksum = 'tampered'`);
    await handle.close();
    const failure = await migrateDatabase(scratch.target).catch((error: unknown) => error);
    expect((failure as MigrationError).code).toBe("MIGRATION_EDITED");
  });
});

describe("migrations against schema.prisma", () => {
  it("the committed migrations produce exactly prisma/schema.prisma", async () => {
    expect(await pendingSchemaChanges()).toBe("");
  });

  it("every migration folder holds a migration.sql in Prisma's format", () => {
    const list = readMigrationList();
    expect(list.migrationDirectories.length).toBeGreaterThan(0);
    for (const directory of list.migrationDirectories) {
      expect(directory.path).toMatch(/^\d{14}_[a-z0-9_]+$/);
      expect(directory.migrationFile.content.tag).toBe("ok");
    }
    expect(readFileSync("prisma/migrations/migration_lock.toml", "utf8")).toContain('provider = "postgresql"');
  });
});

// Registered only when a server is configured (TEST_DATABASE_URL, as in CI): PGlite is one process.
describe.each(targetKinds().filter((kind) => kind === "postgres"))("migrations on a %s server", () => {
  it("two processes migrating an empty database at once both succeed, and apply it once", async () => {
    const scratch = await createScratchDatabase("postgres");
    try {
      const [first, second] = await Promise.all([migrateDatabase(scratch.target), migrateDatabase(scratch.target)]);
      expect([...first, ...second].sort()).toEqual(migrationNames);
    } finally {
      await scratch.drop();
    }
  });

  it("an unreachable server is a clear DB_UNREACHABLE error, not a hang", async () => {
    const started = Date.now();
    const failure = await migrateDatabase({ kind: "postgres", url: "postgresql://nobody@127.0.0.1:1/none" }).catch((error: unknown) => error);
    expect((failure as MigrationError).code).toBe("DB_UNREACHABLE");
    expect((failure as MigrationError).message).toMatch(/Cannot connect to PostgreSQL at 127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
