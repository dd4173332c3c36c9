import { stat } from "node:fs/promises";
import path from "node:path";
import { ApiError, diskFull, isDiskFull, notFound } from "@/lib/api/errors";
import type { CurrentUser } from "@/lib/auth/guard";
import { Prisma, Role, type Db, type ImageLabel } from "@/lib/db";
import { formatBytes, imageStorageKey, INGEST_LIMITS, ingestImage, isZipName, makeThumbnail, thumbnailStorageKey } from "@/lib/storage/ingest";
import {
  acquireCommitLock,
  createStaging,
  isCommitting,
  listRejections,
  listStagedEntries,
  readImportMeta,
  readStagedObject,
  recordRejection,
  releaseCommitLock,
  removeStaging,
  stageImage,
  sweepStaleStaging,
  type ImportMeta,
} from "@/lib/storage/ingest-staging";
import { deleteObject, putObject, readObject, storageRoot } from "@/lib/storage/local";
import { readZipEntries, ZIP_LIMITS, ZipError } from "@/lib/storage/zip";
import type { CreateImageSetInput, StartImportInput } from "@/lib/validations/image-set";

/**
 * Image sets and their imports. An import is staged file by file (lib/storage/ingest-staging)
 * over any number of upload requests and becomes visible only through commitImport, which adds
 * all its images in one database transaction, or none.
 */

/** Serializes commits and the clean-up after a failed one (storage objects are shared by hash). */
const IMAGE_OBJECTS_LOCK = 0x494d4753; // "IMGS"
const STALE_IMPORT_MS = 24 * 60 * 60 * 1000;
export const IMAGES_PAGE_SIZE = 60;
const MAX_NAME_LENGTH = 300;

export type FileResult = {
  file: string;
  status: "accepted" | "rejected";
  reason?: string;
  width?: number;
  height?: number;
};

/** An uploaded file; `bytes` is read only after the size check. */
export type UploadedFile = { name: string; size: number; bytes(): Promise<Uint8Array> };

// ─── Sets ────────────────────────────────────────────────────────────────────────

const setSummary = {
  id: true,
  name: true,
  label: true,
  createdAt: true,
  ownerId: true,
  _count: { select: { images: true } },
} as const;

function canAccessSet(user: CurrentUser, set: { ownerId: string }): boolean {
  return user.role === Role.ADMIN || set.ownerId === user.id;
}

/** Someone else's set is "not found", so that its existence does not leak. */
async function loadSet(db: Db, user: CurrentUser, id: string) {
  const set = await db.imageSet.findUnique({ where: { id }, select: setSummary });
  if (!set || !canAccessSet(user, set)) throw notFound("Image set");
  return set;
}

export async function createImageSet(db: Db, user: CurrentUser, input: CreateImageSetInput) {
  return db.imageSet.create({ data: { ownerId: user.id, name: input.name, label: input.label as ImageLabel }, select: setSummary });
}

/** The caller's own sets, newest first. */
export async function listImageSets(db: Db, user: CurrentUser) {
  return db.imageSet.findMany({ where: { ownerId: user.id }, orderBy: { createdAt: "desc" }, select: setSummary });
}

/** A set with its image count, the sizes in it, and one page of its images. */
export async function getImageSet(db: Db, user: CurrentUser, id: string, page = 1) {
  const set = await loadSet(db, user, id);
  const [images, sizes] = await Promise.all([
    db.image.findMany({
      where: { imageSetId: id },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      skip: (page - 1) * IMAGES_PAGE_SIZE,
      take: IMAGES_PAGE_SIZE,
      select: { id: true, width: true, height: true, byteSize: true, originalName: true, createdAt: true },
    }),
    db.image.groupBy({ by: ["width", "height"], where: { imageSetId: id }, _count: { _all: true }, orderBy: { width: "asc" } }),
  ]);
  const imageCount = set._count.images;
  return {
    set: { id: set.id, name: set.name, label: set.label, createdAt: set.createdAt, ownerId: set.ownerId, imageCount },
    sizes: sizes.map((size) => ({ width: size.width, height: size.height, count: size._count._all })),
    images,
    page,
    pageSize: IMAGES_PAGE_SIZE,
    pageCount: Math.max(1, Math.ceil(imageCount / IMAGES_PAGE_SIZE)),
  };
}

/** The researcher's preview of one image (made on first request for images without one). */
export async function imageThumbnail(db: Db, user: CurrentUser, setId: string, imageId: string): Promise<Buffer> {
  await loadSet(db, user, setId);
  const image = await db.image.findFirst({ where: { id: imageId, imageSetId: setId }, select: { contentHash: true, storageKey: true } });
  if (!image) throw notFound("Image");
  const key = thumbnailStorageKey(image.contentHash);
  try {
    return await readObject(key);
  } catch {
    const thumbnail = await makeThumbnail(await readObject(image.storageKey));
    await putObject(key, thumbnail);
    return thumbnail;
  }
}

// ─── Imports ─────────────────────────────────────────────────────────────────────

/** The import, when the caller may use its set and it belongs to that set; 404 otherwise. */
export async function getImport(db: Db, user: CurrentUser, setId: string, importId: string): Promise<ImportMeta> {
  const set = await loadSet(db, user, setId);
  const meta = await readImportMeta(importId);
  if (!meta || meta.imageSetId !== set.id) throw notFound("Import (it may have been committed or abandoned)");
  return meta;
}

export async function startImport(db: Db, user: CurrentUser, setId: string, input: StartImportInput) {
  await loadSet(db, user, setId);
  await sweepStaleStaging(STALE_IMPORT_MS);
  const meta = await createStaging({ imageSetId: setId, createdById: user.id, targetSize: input.targetSize });
  return { importId: meta.importId, targetSize: meta.targetSize };
}

function displayName(name: string): string {
  const clean = name.replace(/[\u0000-\u001f]/g, "?").trim() || "(unnamed)";
  return clean.length > MAX_NAME_LENGTH ? `…${clean.slice(-(MAX_NAME_LENGTH - 1))}` : clean;
}

async function ingestOne(db: Db, meta: ImportMeta, file: string, bytes: Uint8Array): Promise<FileResult> {
  const verdict = await ingestImage(bytes, { targetSize: meta.targetSize });
  const rejected = async (reason: string): Promise<FileResult> => {
    await recordRejection(meta.importId, { file, reason });
    return { file, status: "rejected", reason };
  };
  if (verdict.status === "rejected") return rejected(verdict.reason);
  const inSet = await db.image.findUnique({
    where: { imageSetId_contentHash: { imageSetId: meta.imageSetId, contentHash: verdict.contentHash } },
    select: { originalName: true },
  });
  if (inSet) return rejected(`duplicate of ${inSet.originalName ?? "an image already in this set"} (already in the set)`);
  const duplicate = await stageImage(meta.importId, { ...verdict, file });
  if (duplicate) return rejected(`duplicate of ${duplicate.duplicateOf}`);
  return { file, status: "accepted", width: verdict.width, height: verdict.height };
}

/**
 * Validates, normalizes and stages one batch of files (images or ZIP archives). Each file, and
 * each image inside an archive, gets a result; nothing is visible in the set before the commit.
 */
export async function addImportFiles(
  db: Db,
  user: CurrentUser,
  setId: string,
  importId: string,
  files: UploadedFile[],
  onResult?: (result: FileResult) => void,
): Promise<FileResult[]> {
  const meta = await getImport(db, user, setId, importId);
  if (await isCommitting(importId)) throw new ApiError("CONFLICT", "This import is being committed; start a new import to add files.");
  const results: FileResult[] = [];
  const push = (result: FileResult) => {
    results.push(result);
    onResult?.(result);
  };
  try {
    await stageFiles(db, meta, files, push);
  } catch (error) {
    if (!isDiskFull(error)) throw error;
    // Half an import is worse than none: drop what it staged (which also frees the space).
    await removeStaging(importId).catch(() => undefined);
    throw diskFull("This import was stopped and the files uploaded to it were discarded; nothing was added to the set.");
  }
  return results;
}

async function stageFiles(db: Db, meta: ImportMeta, files: UploadedFile[], push: (result: FileResult) => void): Promise<void> {
  const importId = meta.importId;
  for (const upload of files) {
    const name = displayName(upload.name);
    if (isZipName(upload.name)) {
      for (const result of await ingestArchive(db, meta, name, upload)) push(result);
      continue;
    }
    if (upload.size > INGEST_LIMITS.maxImageBytes) {
      const reason = `the file is ${formatBytes(upload.size)}; the limit is ${formatBytes(INGEST_LIMITS.maxImageBytes)}`;
      await recordRejection(importId, { file: name, reason });
      push({ file: name, status: "rejected", reason });
      continue;
    }
    push(await ingestOne(db, meta, name, await upload.bytes()));
  }
}

async function ingestArchive(db: Db, meta: ImportMeta, name: string, upload: UploadedFile): Promise<FileResult[]> {
  const refuse = async (reason: string): Promise<FileResult[]> => {
    await recordRejection(meta.importId, { file: name, reason });
    return [{ file: name, status: "rejected", reason }];
  };
  if (upload.size > ZIP_LIMITS.maxArchiveBytes) {
    return refuse(`the archive is ${formatBytes(upload.size)}; the limit is ${formatBytes(ZIP_LIMITS.maxArchiveBytes)}`);
  }
  const results: FileResult[] = [];
  try {
    for (const entry of readZipEntries(await upload.bytes())) {
      const file = displayName(`${name}/${entry.name}`);
      if ("error" in entry) {
        await recordRejection(meta.importId, { file, reason: entry.error });
        results.push({ file, status: "rejected", reason: entry.error });
      } else results.push(await ingestOne(db, meta, file, entry.bytes));
    }
  } catch (error) {
    // readZipEntries checks the whole archive before yielding its first entry.
    if (error instanceof ZipError) return refuse(`ZIP refused: ${error.message}`);
    throw error;
  }
  if (results.length === 0) return refuse("the archive holds no files");
  return results;
}

/** The import's staged results so far (e.g. to resume a page after a reload). */
export async function importStatus(db: Db, user: CurrentUser, setId: string, importId: string) {
  const meta = await getImport(db, user, setId, importId);
  const [entries, rejections] = await Promise.all([listStagedEntries(importId), listRejections(importId)]);
  return { importId, targetSize: meta.targetSize, accepted: entries.length, rejected: rejections };
}

async function objectExists(key: string): Promise<boolean> {
  return stat(path.join(storageRoot(), key)).then(
    (info) => info.isFile(),
    () => false,
  );
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * Adds every staged image of the import to its set in one transaction, or nothing. Objects are
 * copied from staging to storage first; if the transaction fails, the copies no Image refers to
 * are removed again (under the same lock as commits, so another import's object is never lost).
 */
export async function commitImport(db: Db, user: CurrentUser, setId: string, importId: string): Promise<{ imported: number; rejected: number }> {
  const meta = await getImport(db, user, setId, importId);
  if (!(await acquireCommitLock(importId))) throw new ApiError("CONFLICT", "This import is already being committed.");
  const written: string[] = [];
  try {
    const entries = await listStagedEntries(importId);
    const rejections = await listRejections(importId);
    if (entries.length === 0) {
      throw new ApiError("UNPROCESSABLE", "Nothing to import: no file of this import was accepted. Add valid images first, or abandon the import.");
    }
    const set = await db.imageSet.findUniqueOrThrow({ where: { id: meta.imageSetId }, select: { id: true, label: true } });

    // The same content may already be stored for another set: its key is taken (keys are unique per Image).
    const plainKeys = entries.map((entry) => imageStorageKey(entry.contentHash));
    const taken = new Set(
      (await db.image.findMany({ where: { storageKey: { in: plainKeys } }, select: { storageKey: true } })).map((image) => image.storageKey),
    );
    const rows = entries.map((entry) => {
      const plain = imageStorageKey(entry.contentHash);
      const storageKey = taken.has(plain) ? plain.replace(/\.png$/, `-${set.id}.png`) : plain;
      return { entry, storageKey };
    });

    const copy = async (importKey: string, kind: "png" | "webp", hash: string) => {
      if (await objectExists(importKey)) return;
      await putObject(importKey, await readStagedObject(importId, hash, kind));
      written.push(importKey);
    };
    for (const { entry, storageKey } of rows) {
      await copy(storageKey, "png", entry.contentHash);
      await copy(thumbnailStorageKey(entry.contentHash), "webp", entry.contentHash);
    }

    const lateDuplicates: string[] = [];
    const imported = await db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${IMAGE_OBJECTS_LOCK})`;
        // A failed commit's clean-up may have removed an object we share; it cannot now (we hold the lock).
        for (const { entry, storageKey } of rows) {
          const thumb = thumbnailStorageKey(entry.contentHash);
          if (!(await objectExists(storageKey))) await putObject(storageKey, await readStagedObject(importId, entry.contentHash, "png"));
          if (!(await objectExists(thumb))) await putObject(thumb, await readStagedObject(importId, entry.contentHash, "webp"));
        }
        // Another import into this set may have committed the same content since it was staged.
        const present = new Set(
          (
            await tx.image.findMany({
              where: { imageSetId: set.id, contentHash: { in: rows.map((row) => row.entry.contentHash) } },
              select: { contentHash: true },
            })
          ).map((image) => image.contentHash),
        );
        const fresh = rows.filter((row) => !present.has(row.entry.contentHash));
        for (const row of rows) if (present.has(row.entry.contentHash)) lateDuplicates.push(row.entry.file);
        if (fresh.length === 0) {
          throw new ApiError("UNPROCESSABLE", "Nothing to import: every accepted image is already in the set.");
        }
        for (let start = 0; start < fresh.length; start += 1000) {
          await tx.image.createMany({
            data: fresh.slice(start, start + 1000).map(({ entry, storageKey }) => ({
              imageSetId: set.id,
              label: set.label,
              contentHash: entry.contentHash,
              width: entry.width,
              height: entry.height,
              byteSize: entry.byteSize,
              storageKey,
              originalName: entry.file,
            })),
          });
        }
        return fresh.length;
      },
      { maxWait: 30_000, timeout: 10 * 60_000 },
    );
    await removeStaging(importId);
    return { imported, rejected: rejections.length + lateDuplicates.length };
  } catch (error) {
    await cleanUpUnreferenced(db, written).catch((cleanupError: unknown) => console.error("[import] clean-up failed:", cleanupError));
    await releaseCommitLock(importId);
    if (isDiskFull(error)) throw diskFull("Nothing was added to the set. The import is kept: commit it again once there is space.");
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new ApiError("CONFLICT", "Another import changed this set at the same time; commit again.");
    }
    throw error;
  }
}

/** Deletes storage objects that no Image refers to (by key, or by content hash for thumbnails). */
async function cleanUpUnreferenced(db: Db, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.$transaction(
    async (tx: Tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${IMAGE_OBJECTS_LOCK})`;
      for (const key of keys) {
        const thumb = /^thumbs\/([0-9a-f]{64})\.webp$/.exec(key);
        const used = thumb
          ? await tx.image.count({ where: { contentHash: thumb[1] } })
          : await tx.image.count({ where: { storageKey: key } });
        if (used === 0) await deleteObject(key);
      }
    },
    { maxWait: 30_000, timeout: 10 * 60_000 },
  );
}

/** Drops the staged files of an import: nothing of it reaches the set. */
export async function abandonImport(db: Db, user: CurrentUser, setId: string, importId: string): Promise<void> {
  await getImport(db, user, setId, importId);
  if (await isCommitting(importId)) throw new ApiError("CONFLICT", "This import is being committed and can no longer be abandoned.");
  await removeStaging(importId);
}
