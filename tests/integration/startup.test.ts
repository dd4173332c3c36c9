import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { openDb } from "@/lib/db/client";
import { readMigrationList } from "@/lib/db/migration-files";
import { createScratchDatabase, targetKinds } from "../support/test-db";

const run = promisify(execFile);
const TSX = path.join(process.cwd(), "node_modules/.bin/tsx");

async function prepare(env: Record<string, string>): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(TSX, ["scripts/prepare.ts"], { env: { ...process.env, ...env }, timeout: 120_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? 1, output: `${failure.stdout ?? ""}${failure.stderr ?? ""}` };
  }
}

describe("start-up (scripts/prepare.ts, run by npm run dev and npm start)", { timeout: 180_000 }, () => {
  it("stops with a message naming a bad variable", async () => {
    const result = await prepare({ DATABASE_URL: "mysql://wrong", PERCEPT_DATA_DIR: "/tmp/percept-never" });
    expect(result.code).toBe(1);
    expect(result.output).toContain("DATABASE_URL: must be a postgresql:// connection URL");
  });

  it("stops quickly with a clear message when the database server is unreachable", async () => {
    const started = Date.now();
    const result = await prepare({ DATABASE_URL: "postgresql://nobody@127.0.0.1:1/percept", PERCEPT_DATA_DIR: "/tmp/percept-never" });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/cannot start: Cannot connect to PostgreSQL at 127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it.each(targetKinds().filter((kind) => kind === "postgres"))("two processes started at once on an empty %s database both come up", async (kind) => {
    const scratch = await createScratchDatabase(kind);
    try {
      const url = scratch.target.kind === "postgres" ? scratch.target.url : "";
      const env = { DATABASE_URL: url, PERCEPT_DEMO: "1", AUTH_SECRET: "x".repeat(40), PERCEPT_DATA_DIR: "/tmp/percept-startup-test" };
      const [first, second] = await Promise.all([prepare(env), prepare(env)]);
      expect(first.code, first.output).toBe(0);
      expect(second.code, second.output).toBe(0);
      const handle = openDb(scratch.target);
      const applied = await handle.db.$queryRawUnsafe<{ migration_name: string }[]>(`SELECT migration_name FROM _prisma_migrations`);
      const demoUsers = await handle.db.user.count();
      await handle.close();
      expect(applied.map((row) => row.migration_name).sort()).toEqual(readMigrationList().migrationDirectories.map((directory) => directory.path));
      expect(demoUsers).toBe(1);
    } finally {
      await scratch.drop();
    }
  });
});
