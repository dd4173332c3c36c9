/**
 * Imports a folder (or ZIP archives) on the server into a new image set, through the same service
 * as the upload page: the same validation, normalization, duplicates and all-or-nothing commit.
 *
 *   npm run import -- --owner <email> --name <set name> --label real|generated [--size 256] <folder|file.zip|image>...
 *
 * Folders are read recursively (hidden files and __MACOSX/ skipped). Progress and every rejected
 * file with its reason go to stderr; the last stdout line is JSON {imageSetId, imported, rejected}.
 * Exit code 1 when nothing was imported (the empty set is removed again) or on a usage error.
 * On the embedded database, stop the app first: PGlite admits one process at a time.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { ApiError } from "../lib/api/errors";
import type { CurrentUser } from "../lib/auth/guard";
import { openDb } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate";
import { dbTargetFrom, describeTarget } from "../lib/db/target";
import { getEnv } from "../lib/env";
import { addImportFiles, abandonImport, commitImport, createImageSet, startImport, type UploadedFile } from "../lib/storage/image-sets";
import { isIgnoredPath } from "../lib/storage/ingest";
import { INGEST_LIMITS, UPLOAD_BATCH } from "../lib/storage/ingest-limits";

const USAGE = "usage: npm run import -- --owner <email> --name <set name> --label real|generated [--size 256] <folder|file.zip|image>...";

class UsageError extends Error {}

type Args = { owner: string; name: string; label: "REAL" | "GENERATED"; size: number | null; inputs: string[] };

function parseArgs(argv: string[]): Args {
  const values = new Map<string, string>();
  const inputs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) {
      inputs.push(arg);
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${arg} needs a value\n${USAGE}`);
    values.set(arg.slice(2), value);
    i++;
  }
  for (const key of values.keys()) if (!["owner", "name", "label", "size"].includes(key)) throw new UsageError(`unknown option --${key}\n${USAGE}`);
  const owner = values.get("owner")?.trim();
  const name = values.get("name")?.trim();
  const label = values.get("label")?.trim().toUpperCase();
  if (!owner) throw new UsageError(`--owner <email> is required\n${USAGE}`);
  if (!name) throw new UsageError(`--name <set name> is required\n${USAGE}`);
  if (label !== "REAL" && label !== "GENERATED") throw new UsageError(`--label must be real or generated\n${USAGE}`);
  let size: number | null = null;
  const rawSize = values.get("size");
  if (rawSize !== undefined) {
    size = Number(rawSize);
    if (!Number.isInteger(size) || size < INGEST_LIMITS.minTargetSize || size > INGEST_LIMITS.maxTargetSize) {
      throw new UsageError(`--size must be a whole number from ${INGEST_LIMITS.minTargetSize} to ${INGEST_LIMITS.maxTargetSize}, got ${rawSize}`);
    }
  }
  if (inputs.length === 0) throw new UsageError(`give at least one folder, ZIP or image\n${USAGE}`);
  return { owner, name, label, size, inputs };
}

/** Every file under the inputs, named relative to the folder given (sorted, hidden ones skipped). */
async function collectFiles(inputs: string[]): Promise<{ file: string; name: string; size: number }[]> {
  const out: { file: string; name: string; size: number }[] = [];
  async function walk(dir: string, base: string) {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(base, full).split(path.sep).join("/");
      if (isIgnoredPath(relative)) continue;
      if (entry.isDirectory()) await walk(full, base);
      else if (entry.isFile()) out.push({ file: full, name: relative, size: (await stat(full)).size });
    }
  }
  for (const input of inputs) {
    const info = await stat(input).catch(() => null);
    if (!info) throw new UsageError(`no such file or folder: ${input}`);
    if (info.isDirectory()) await walk(input, path.dirname(path.resolve(input)));
    else out.push({ file: input, name: path.basename(input), size: info.size });
  }
  return out;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const files = await collectFiles(args.inputs);
  if (files.length === 0) throw new UsageError("no files found in the given folders");
  const target = dbTargetFrom(getEnv());
  await migrateDatabase(target);
  const handle = openDb(target, { poolSize: 2 });
  try {
    const db = handle.db;
    const owner = await db.user.findUnique({ where: { email: args.owner.toLowerCase() }, select: { id: true, email: true, name: true, role: true } });
    if (!owner || (owner.role !== "RESEARCHER" && owner.role !== "ADMIN")) throw new UsageError(`no researcher or admin account with e-mail ${args.owner}`);
    const user: CurrentUser = owner;
    const set = await createImageSet(db, user, { name: args.name, label: args.label });
    console.error(`[import] ${describeTarget(target)}: set "${set.name}" (${args.label.toLowerCase()}, ${set.id}), ${files.length} file(s)${args.size ? `, resized to ${args.size}×${args.size}` : ""}`);
    const { importId } = await startImport(db, user, set.id, { targetSize: args.size });

    let done = 0;
    let accepted = 0;
    let rejected = 0;
    const batches: (typeof files)[] = [];
    for (const file of files) {
      const last = batches.at(-1);
      if (last && last.length < UPLOAD_BATCH.maxFiles) last.push(file);
      else batches.push([file]);
    }
    for (const batch of batches) {
      const uploads: UploadedFile[] = batch.map((file) => ({ name: file.name, size: file.size, bytes: async () => new Uint8Array(await readFile(file.file)) }));
      await addImportFiles(db, user, set.id, importId, uploads, (result) => {
        if (result.status === "accepted") accepted++;
        else {
          rejected++;
          console.error(`[import] rejected ${result.file}: ${result.reason}`);
        }
      });
      done += batch.length;
      console.error(`[import] ${done}/${files.length} files read · ${accepted} accepted · ${rejected} rejected`);
    }

    try {
      const result = await commitImport(db, user, set.id, importId);
      console.error(`[import] added ${result.imported} image(s) to "${set.name}"; ${result.rejected} rejected`);
      console.log(JSON.stringify({ imageSetId: set.id, ...result }));
      return 0;
    } catch (error) {
      await abandonImport(db, user, set.id, importId).catch(() => undefined);
      await db.imageSet.delete({ where: { id: set.id } }).catch(() => undefined);
      if (error instanceof ApiError && error.code === "UNPROCESSABLE") {
        console.error(`[import] nothing imported: ${error.message} The empty set was removed.`);
        console.log(JSON.stringify({ imageSetId: null, imported: 0, rejected }));
        return 1;
      }
      throw error;
    }
  } finally {
    await handle.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof UsageError ? error.message : `[import] error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
