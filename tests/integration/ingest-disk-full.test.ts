import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CurrentUser } from "@/lib/auth/guard";
import { Role } from "@/lib/db";
import { addImportFiles, commitImport, createImageSet, importStatus, startImport, type UploadedFile } from "@/lib/storage/image-sets";
import { image } from "../fixtures/ingest/fixtures";
import { createTestDatabase, createTestUser, targetKinds, type TestDatabase } from "../support/test-db";

/**
 * A full disk during an import, on a real full file system: a small tmpfs mounted over the
 * staging or the storage directory (Linux, as root, which is how CI and the dev machines run).
 * Where mounting is refused, the same assertions run against a simulated small volume: writes
 * under that directory fail with ENOSPC once they pass its size. The describe's name says which.
 */
const dataDir = mkdtempSync(path.join(tmpdir(), "percept-disk-full-"));
vi.stubEnv("PERCEPT_DATA_DIR", dataDir);

const simulated = vi.hoisted(() => ({ dir: null as string | null, capacity: 0, used: 0 }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:fs/promises")>();
  const writeFile: typeof original.writeFile = async (file, data, ...rest) => {
    if (simulated.dir !== null && String(file).startsWith(simulated.dir)) {
      const size = typeof data === "string" ? Buffer.byteLength(data) : ArrayBuffer.isView(data) ? data.byteLength : 0;
      if (simulated.used + size > simulated.capacity) {
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28, syscall: "write" });
      }
      simulated.used += size;
    }
    return original.writeFile(file, data, ...rest);
  };
  return { ...original, default: { ...original, writeFile }, writeFile };
});

function canMount(): boolean {
  const probe = mkdtempSync(path.join(tmpdir(), "percept-mount-probe-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], { stdio: "ignore" });
    execFileSync("umount", [probe], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const realTmpfs = canMount();

const mounted = new Set<string>();

/** Makes `dir` a small volume of `kilobytes` (a tmpfs, or the simulation). */
function fillUp(dir: string, kilobytes: number) {
  mkdirSync(dir, { recursive: true });
  if (realTmpfs) {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${kilobytes}k`, "tmpfs", dir]);
    mounted.add(dir);
  } else Object.assign(simulated, { dir, capacity: kilobytes * 1024, used: 0 });
}

function freeUp(dir: string) {
  if (mounted.has(dir)) execFileSync("mount", ["-o", "remount,size=64m", dir]);
  else simulated.capacity = Infinity;
}

function release(dir: string) {
  if (mounted.delete(dir)) execFileSync("umount", [dir]);
  simulated.dir = null;
}

/** Every file under a directory (folders left empty by a clean-up are fine). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const upload = (name: string, bytes: Uint8Array): UploadedFile => ({ name, size: bytes.length, bytes: async () => bytes });
const mode = realTmpfs ? "a tmpfs" : "simulated ENOSPC writes";

describe.each(targetKinds())(`a full disk during an import (${mode}) on %s`, (kind) => {
  let test: TestDatabase;
  let alice: CurrentUser;
  const staging = path.join(dataDir, "staging");
  const storage = path.join(dataDir, "storage");
  const seed = kind === "pglite" ? 800 : 900;
  const images = () => Promise.all([0, 1, 2, 3].map((i) => image("png", 256, 256, seed + i)));

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    alice = await createTestUser(test.db, "alice@example.org", Role.RESEARCHER);
  });
  afterAll(async () => {
    release(staging);
    release(storage);
    await test.cleanup();
  });

  it("while uploading: the researcher is told the disk is full, and the import is discarded whole", async () => {
    const set = await createImageSet(test.db, alice, { name: "Full staging", label: "REAL" });
    fillUp(staging, 64);
    try {
      const { importId } = await startImport(test.db, alice, set.id, { targetSize: null });
      const files = (await images()).map((bytes, i) => upload(`photo-${i}.png`, bytes));
      const error = await addImportFiles(test.db, alice, set.id, importId, files).catch((caught: unknown) => caught);
      expect(error).toMatchObject({
        code: "INSUFFICIENT_STORAGE",
        status: 507,
        message: expect.stringMatching(/^The server's disk is full\. This import was stopped .* nothing was added to the set\./),
      });
      expect(await test.db.image.count({ where: { imageSetId: set.id } })).toBe(0);
      expect(filesUnder(staging)).toEqual([]);
      expect(filesUnder(storage)).toEqual([]);
      await expect(importStatus(test.db, alice, set.id, importId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    } finally {
      release(staging);
    }
  });

  it("while committing: nothing enters the set, no stray stored file, and the import commits once there is space", async () => {
    const set = await createImageSet(test.db, alice, { name: "Full storage", label: "GENERATED" });
    const { importId } = await startImport(test.db, alice, set.id, { targetSize: null });
    const results = await addImportFiles(test.db, alice, set.id, importId, (await images()).map((bytes, i) => upload(`sample-${i}.png`, bytes)));
    expect(results.map((result) => result.status)).toEqual(["accepted", "accepted", "accepted", "accepted"]);

    fillUp(storage, 64);
    try {
      const error = await commitImport(test.db, alice, set.id, importId).catch((caught: unknown) => caught);
      expect(error).toMatchObject({
        code: "INSUFFICIENT_STORAGE",
        message: expect.stringMatching(/^The server's disk is full\. Nothing was added to the set\. The import is kept/),
      });
      expect(await test.db.image.count({ where: { imageSetId: set.id } })).toBe(0);
      expect(filesUnder(storage)).toEqual([]);
      expect((await importStatus(test.db, alice, set.id, importId)).accepted).toBe(4);

      freeUp(storage);
      expect(await commitImport(test.db, alice, set.id, importId)).toEqual({ imported: 4, rejected: 0 });
      expect(filesUnder(storage)).toHaveLength(8);
    } finally {
      release(storage);
    }
  });
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
