import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { getEnv } from "@/lib/env";

/**
 * Image bytes on the local disk under <data dir>/storage. Keys are opaque (no label, no original
 * name) and writes are atomic (temp file + rename), so a crash never leaves half an image.
 */
export function storageRoot(): string {
  return path.join(getEnv().dataDir, "storage");
}

function resolveKey(key: string): string {
  if (!/^[a-z0-9][a-z0-9/_-]*(\.[a-z0-9]+)?$/.test(key) || key.includes("..")) throw new Error(`Invalid storage key: ${key}`);
  return path.join(storageRoot(), key);
}

export async function putObject(key: string, bytes: Uint8Array): Promise<void> {
  await writeFileAtomic(resolveKey(key), bytes);
}

/** Temp file + rename: readers see the old file or the whole new one, never half of it. */
export async function writeFileAtomic(file: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export async function readObject(key: string): Promise<Buffer> {
  return readFile(resolveKey(key));
}

export async function deleteObject(key: string): Promise<void> {
  await rm(resolveKey(key), { force: true });
}
