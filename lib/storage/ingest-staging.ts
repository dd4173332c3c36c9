import { randomUUID } from "node:crypto";
import { appendFile, mkdir, open, readdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { getEnv } from "@/lib/env";
import { writeFileAtomic } from "@/lib/storage/local";

/**
 * The staging area of an import, under <data dir>/staging/<importId>/. Nothing here is visible in
 * an image set: only a commit turns it into Image rows. The directory is its own manifest, built
 * from files that are each written once (no shared file to rewrite), so several batch requests of
 * one import may run at once, on one or several app instances sharing the data directory:
 *
 *   import.json          who started it, for which set, with which target size
 *   objects/<hash>.png   normalized image; objects/<hash>.webp its thumbnail
 *   entries/<hash>.json  {file, width, height, byteSize}, created exclusively: the first file
 *                        with a given hash wins, later ones are "duplicate of <file>"
 *   rejected.jsonl       one {file, reason} line per refused file
 *   commit.lock          present while a commit runs (a second commit or an upload is refused)
 */
export type ImportMeta = {
  importId: string;
  imageSetId: string;
  createdById: string;
  targetSize: number | null;
  createdAt: string;
};

export type StagedEntry = { contentHash: string; file: string; width: number; height: number; byteSize: number };
export type StagedRejection = { file: string; reason: string };

const IMPORT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HASH = /^[0-9a-f]{64}$/;

export function stagingRoot(): string {
  return path.join(getEnv().dataDir, "staging");
}

export function isImportId(value: string): boolean {
  return IMPORT_ID.test(value);
}

function importDir(importId: string): string {
  if (!isImportId(importId)) throw new Error(`Invalid import id: ${importId}`);
  return path.join(stagingRoot(), importId);
}

function objectPath(importId: string, contentHash: string, kind: "png" | "webp"): string {
  if (!HASH.test(contentHash)) throw new Error(`Invalid content hash: ${contentHash}`);
  return path.join(importDir(importId), "objects", `${contentHash}.${kind}`);
}

const writeAtomic = writeFileAtomic;

const isErrno = (error: unknown, code: string) => (error as NodeJS.ErrnoException | null)?.code === code;

export async function createStaging(meta: Omit<ImportMeta, "importId" | "createdAt">): Promise<ImportMeta> {
  const full: ImportMeta = { ...meta, importId: randomUUID(), createdAt: new Date().toISOString() };
  await writeAtomic(path.join(importDir(full.importId), "import.json"), JSON.stringify(full));
  return full;
}

/** The import's description, or null when it does not exist (never started, committed, abandoned). */
export async function readImportMeta(importId: string): Promise<ImportMeta | null> {
  if (!isImportId(importId)) return null;
  try {
    return JSON.parse(await readFile(path.join(importDir(importId), "import.json"), "utf8")) as ImportMeta;
  } catch (error) {
    if (isErrno(error, "ENOENT")) return null;
    throw error;
  }
}

/**
 * Stages an accepted image. Returns null when it is new to the import, or the name of the file
 * already staged with the same content.
 */
export async function stageImage(
  importId: string,
  image: { contentHash: string; png: Uint8Array; thumbnail: Uint8Array; file: string; width: number; height: number },
): Promise<{ duplicateOf: string } | null> {
  const entryFile = path.join(importDir(importId), "entries", `${image.contentHash}.json`);
  const existing = await readEntry(entryFile);
  if (existing) return { duplicateOf: existing.file };
  // Objects first, entry last: an entry always points at complete objects.
  await writeAtomic(objectPath(importId, image.contentHash, "png"), image.png);
  await writeAtomic(objectPath(importId, image.contentHash, "webp"), image.thumbnail);
  await mkdir(path.dirname(entryFile), { recursive: true });
  const entry: StagedEntry = { contentHash: image.contentHash, file: image.file, width: image.width, height: image.height, byteSize: image.png.length };
  let handle;
  try {
    handle = await open(entryFile, "wx");
  } catch (error) {
    if (!isErrno(error, "EEXIST")) throw error;
    // Another request staged the same content a moment ago.
    const winner = await readEntry(entryFile, 20);
    return { duplicateOf: winner?.file ?? "another file of this import" };
  }
  try {
    await handle.writeFile(JSON.stringify(entry));
  } finally {
    await handle.close();
  }
  return null;
}

async function readEntry(file: string, retries = 0): Promise<StagedEntry | null> {
  for (let attempt = 0; ; attempt++) {
    try {
      const text = await readFile(file, "utf8");
      if (text) return JSON.parse(text) as StagedEntry;
    } catch (error) {
      if (!isErrno(error, "ENOENT") && !(error instanceof SyntaxError)) throw error;
      if (isErrno(error, "ENOENT") && retries === 0) return null;
    }
    // Created but not yet written by a concurrent request.
    if (attempt >= retries) return null;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function recordRejection(importId: string, rejection: StagedRejection): Promise<void> {
  await mkdir(importDir(importId), { recursive: true });
  await appendFile(path.join(importDir(importId), "rejected.jsonl"), `${JSON.stringify(rejection)}\n`);
}

export async function listStagedEntries(importId: string): Promise<StagedEntry[]> {
  const dir = path.join(importDir(importId), "entries");
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (isErrno(error, "ENOENT")) return [];
    throw error;
  }
  const entries: StagedEntry[] = [];
  for (const name of names.filter((file) => /^[0-9a-f]{64}\.json$/.test(file)).sort()) {
    const entry = await readEntry(path.join(dir, name), 20);
    if (entry) entries.push(entry);
  }
  return entries;
}

export async function listRejections(importId: string): Promise<StagedRejection[]> {
  try {
    const text = await readFile(path.join(importDir(importId), "rejected.jsonl"), "utf8");
    return text
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as StagedRejection);
  } catch (error) {
    if (isErrno(error, "ENOENT")) return [];
    throw error;
  }
}

export function readStagedObject(importId: string, contentHash: string, kind: "png" | "webp"): Promise<Buffer> {
  return readFile(objectPath(importId, contentHash, kind));
}

/** True when this call took the commit lock; false when a commit already holds it. */
export async function acquireCommitLock(importId: string): Promise<boolean> {
  try {
    const handle = await open(path.join(importDir(importId), "commit.lock"), "wx");
    await handle.writeFile(new Date().toISOString());
    await handle.close();
    return true;
  } catch (error) {
    if (isErrno(error, "EEXIST")) return false;
    throw error;
  }
}

export async function isCommitting(importId: string): Promise<boolean> {
  return stat(path.join(importDir(importId), "commit.lock")).then(
    () => true,
    () => false,
  );
}

export async function releaseCommitLock(importId: string): Promise<void> {
  await rm(path.join(importDir(importId), "commit.lock"), { force: true });
}

export async function removeStaging(importId: string): Promise<void> {
  await rm(importDir(importId), { recursive: true, force: true });
}

/** Staging left behind by imports nobody committed nor abandoned (closed tab, crash). */
export async function sweepStaleStaging(maxAgeMs: number, now = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(stagingRoot());
  } catch (error) {
    if (isErrno(error, "ENOENT")) return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names.filter(isImportId)) {
    const info = await stat(importDir(name)).catch(() => null);
    if (!info || now - info.mtimeMs < maxAgeMs) continue;
    const meta = await readImportMeta(name).catch(() => null);
    if (meta && now - Date.parse(meta.createdAt) < maxAgeMs) continue;
    await removeStaging(name);
    removed.push(name);
  }
  return removed;
}
