import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "@/lib/db/client";
import { ImageLabel, Role } from "@/lib/db";
import { createScratchDatabase, targetKinds, type ScratchDatabase } from "../support/test-db";
import { migrateDatabase } from "@/lib/db/migrate";
import { image, textRenamedPng, zip } from "../fixtures/ingest/fixtures";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");

type CliResult = { code: number; stdout: string; stderr: string };

describe.each(targetKinds())("npm run import on %s", (kind) => {
  let scratch: ScratchDatabase;
  let dataDir: string;
  let folder: string;

  async function cli(args: string[]): Promise<CliResult> {
    const env: NodeJS.ProcessEnv = { ...process.env, PERCEPT_DATA_DIR: dataDir, DATABASE_URL: scratch.target.kind === "postgres" ? scratch.target.url : "" };
    try {
      const { stdout, stderr } = await run(path.join(ROOT, "node_modules/.bin/tsx"), [path.join(ROOT, "scripts/import.ts"), ...args], { cwd: ROOT, env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  async function withDb<T>(work: (db: ReturnType<typeof openDb>["db"]) => Promise<T>): Promise<T> {
    // PGlite admits one process: the test closes its client before the CLI runs.
    const handle = openDb(scratch.target);
    try {
      return await work(handle.db);
    } finally {
      await handle.close();
    }
  }

  beforeAll(async () => {
    scratch = await createScratchDatabase(kind);
    dataDir = scratch.target.kind === "pglite" ? path.dirname(scratch.target.dataDir) : mkdtempSync(path.join(tmpdir(), "percept-cli-"));
    await migrateDatabase(scratch.target);
    await withDb((db) => db.user.create({ data: { email: "rita@example.org", role: Role.RESEARCHER } }));
    folder = mkdtempSync(path.join(tmpdir(), "percept-import-src-"));
    mkdirSync(path.join(folder, "faces/nested"), { recursive: true });
    writeFileSync(path.join(folder, "faces/a.jpg"), await image("jpeg", 300, 280, 901));
    writeFileSync(path.join(folder, "faces/nested/b.png"), await image("png", 260, 300, 902));
    writeFileSync(path.join(folder, "faces/notes.png"), textRenamedPng());
    writeFileSync(path.join(folder, "faces/.DS_Store"), "junk");
    writeFileSync(path.join(folder, "more.zip"), zip({ "z/c.webp": await image("webp", 256, 256, 903) }));
    writeFileSync(path.join(folder, "bad.txt"), "not an image");
  });
  afterAll(async () => {
    await scratch.drop();
    rmSync(folder, { recursive: true, force: true });
    if (scratch.target.kind === "postgres") rmSync(dataDir, { recursive: true, force: true });
  });

  it("imports a folder and a ZIP through the service, printing the rejections", async () => {
    const result = await cli(["--owner", "Rita@example.org", "--name", "Faces", "--label", "real", "--size", "256", path.join(folder, "faces"), path.join(folder, "more.zip")]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("[import] rejected faces/notes.png: not a JPEG, PNG or WebP image: the content is a text file");
    expect(result.stderr).not.toContain(".DS_Store");
    const summary = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as { imageSetId: string; imported: number; rejected: number };
    expect(summary).toMatchObject({ imported: 3, rejected: 1 });
    const images = await withDb((db) => db.image.findMany({ where: { imageSetId: summary.imageSetId }, orderBy: { originalName: "asc" } }));
    expect(images.map((row) => [row.originalName, row.width, row.height, row.label])).toEqual([
      ["faces/a.jpg", 256, 256, ImageLabel.REAL],
      ["faces/nested/b.png", 256, 256, ImageLabel.REAL],
      ["more.zip/z/c.webp", 256, 256, ImageLabel.REAL],
    ]);
  });

  it("exits 1 and leaves no set when nothing is importable", async () => {
    const result = await cli(["--owner", "rita@example.org", "--name", "Junk", "--label", "generated", path.join(folder, "bad.txt")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("[import] nothing imported");
    expect(await withDb((db) => db.imageSet.count({ where: { name: "Junk" } }))).toBe(0);
  });

  it("explains usage errors", async () => {
    const result = await cli(["--owner", "rita@example.org", "--name", "X", "--label", "fake", folder]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("--label must be real or generated");
    const nobody = await cli(["--owner", "nobody@example.org", "--name", "X", "--label", "real", folder]);
    expect(nobody.stderr).toContain("no researcher or admin account with e-mail nobody@example.org");
  });
});
