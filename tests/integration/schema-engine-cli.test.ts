import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedDatasourceUrl } from "@/lib/db/prisma-cli-url";
import { createScratchDatabase, targetKinds, type ScratchDatabase } from "../support/test-db";

const run = promisify(execFile);
const ROOT = process.cwd();
const PRISMA = path.join(ROOT, "node_modules/.bin/prisma");

/**
 * The ordinary prisma CLI, driven against our WASM schema-engine stand-in, on a small project of
 * its own: create a migration, deploy it, see status, detect drift, reset.
 */
const SCHEMA_V1 = `generator client {\n  provider = "prisma-client"\n  output   = "./generated"\n}\n\ndatasource db {\n  provider = "postgresql"\n}\n\nmodel Note {\n  id   Int    @id @default(autoincrement())\n  text String\n}\n`;
const SCHEMA_V2 = SCHEMA_V1.replace("  text String\n", "  text String\n  tag  String?\n");

// Each step spawns the prisma CLI and our engine (≈ 3–5 s each, more on a busy machine).
describe.each(targetKinds())("the prisma CLI with our schema engine, on %s", { timeout: 180_000 }, (kind) => {
  let scratch: ScratchDatabase;
  let project: string;
  let url: string;

  async function prisma(...args: string[]): Promise<{ code: number; output: string }> {
    try {
      const { stdout, stderr } = await run(PRISMA, [...args, "--config", path.join(project, "prisma.config.ts")], {
        cwd: project,
        env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: path.join(ROOT, "scripts/prisma-schema-engine"), TEST_URL: url },
        timeout: 120_000,
      });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const failure = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failure.code ?? 1, output: `${failure.stdout ?? ""}${failure.stderr ?? ""}` };
    }
  }

  beforeAll(async () => {
    scratch = await createScratchDatabase(kind);
    url = scratch.target.kind === "postgres" ? scratch.target.url : embeddedDatasourceUrl(scratch.target.dataDir);
    project = mkdtempSync(path.join(tmpdir(), "percept-cli-"));
    writeFileSync(path.join(project, "schema.prisma"), SCHEMA_V1);
    writeFileSync(
      path.join(project, "prisma.config.ts"),
      `export default { schema: "schema.prisma", migrations: { path: "migrations" }, datasource: { url: process.env.TEST_URL } };\n`,
    );
  }, 60_000);

  afterAll(async () => {
    rmSync(project, { recursive: true, force: true });
    await scratch.drop();
  });

  it("creates a migration in Prisma's format (migrate dev --create-only)", async () => {
    const result = await prisma("migrate", "dev", "--name", "init", "--create-only");
    expect(result.code, result.output).toBe(0);
    const folders = readdirSync(path.join(project, "migrations")).filter((name) => name.endsWith("_init"));
    expect(folders).toHaveLength(1);
    expect(readFileSync(path.join(project, "migrations", folders[0]!, "migration.sql"), "utf8")).toContain('CREATE TABLE "Note"');
    expect(readFileSync(path.join(project, "migrations/migration_lock.toml"), "utf8")).toContain('provider = "postgresql"');
  });

  it("deploys it and reports an up-to-date status", async () => {
    const deploy = await prisma("migrate", "deploy");
    expect(deploy.code, deploy.output).toBe(0);
    expect(deploy.output).toContain("successfully applied");
    const status = await prisma("migrate", "status");
    expect(status.code, status.output).toBe(0);
    expect(status.output).toContain("Database schema is up to date");
  });

  it("sees a schema change as drift between the database and the schema (migrate diff --exit-code)", async () => {
    writeFileSync(path.join(project, "schema.prisma"), SCHEMA_V2);
    const diff = await prisma("migrate", "diff", "--from-config-datasource", "--to-schema", "schema.prisma", "--script", "--exit-code");
    expect(diff.code, diff.output).toBe(2);
    expect(diff.output).toContain('ADD COLUMN     "tag" TEXT');
  });

  it("creates and applies the second migration, then resets the database", async () => {
    const dev = await prisma("migrate", "dev", "--name", "add_tag");
    expect(dev.code, dev.output).toBe(0);
    expect(readdirSync(path.join(project, "migrations")).filter((name) => name.endsWith("_add_tag"))).toHaveLength(1);
    const status = await prisma("migrate", "status");
    expect(status.output).toContain("Database schema is up to date");
    const reset = await prisma("migrate", "reset", "--force");
    expect(reset.code, reset.output).toBe(0);
    const after = await prisma("migrate", "status");
    expect(after.output).toContain("Database schema is up to date");
  });
});
