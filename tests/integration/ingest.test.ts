import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "@/lib/auth/guard";
import { ImageLabel, Role } from "@/lib/db";
import {
  abandonImport,
  addImportFiles,
  commitImport,
  createImageSet,
  getImageSet,
  imageThumbnail,
  importStatus,
  listImageSets,
  startImport,
  type FileResult,
  type UploadedFile,
} from "@/lib/storage/image-sets";
import { imageStorageKey, ingestImage, thumbnailStorageKey } from "@/lib/storage/ingest";
import { stagingRoot } from "@/lib/storage/ingest-staging";
import { storageRoot } from "@/lib/storage/local";
import { badFiles, image, zip, zipSlip } from "../fixtures/ingest/fixtures";
import { createTestUser, createTestDatabase, targetKinds, type TestDatabase } from "../support/test-db";

const upload = (name: string, bytes: Uint8Array): UploadedFile => ({ name, size: bytes.length, bytes: async () => bytes });
const stored = (key: string) => existsSync(path.join(storageRoot(), key));
const staged = (importId: string) => existsSync(path.join(stagingRoot(), importId));
const byFile = (results: FileResult[]) => Object.fromEntries(results.map((result) => [result.file, result.status === "accepted" ? "accepted" : result.reason]));
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe.each(targetKinds())("image ingestion on %s", (kind) => {
  let test: TestDatabase;
  let alice: CurrentUser;
  let bob: CurrentUser;
  let admin: CurrentUser;
  // Each target gets its own pixels: the storage directory is shared by both targets of a run.
  const seed = kind === "pglite" ? 100 : 500;

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    const make = (email: string, role: Role) => createTestUser(test.db, email, role);
    [alice, bob, admin] = await Promise.all([
      make("alice@example.org", Role.RESEARCHER),
      make("bob@example.org", Role.RESEARCHER),
      make("admin@example.org", Role.ADMIN),
    ]);
  });
  afterAll(async () => test.cleanup());

  it("stages files over several batches, shows nothing before the commit, then adds them all at once", async () => {
    const set = await createImageSet(test.db, alice, { name: "FFHQ real", label: "REAL" });
    const { importId } = await startImport(test.db, alice, set.id, { targetSize: 64 });
    const [a, b, c, d] = await Promise.all([image("jpeg", 120, 90, seed), image("png", 80, 80, seed + 1), image("webp", 100, 140, seed + 2), image("png", 64, 64, seed + 3)]);

    const first = await addImportFiles(test.db, alice, set.id, importId, [upload("a.jpg", a), upload("b.png", b), ...(await badFiles()).map((bad) => upload(bad.name, bad.bytes))]);
    expect(byFile(first)).toEqual({
      "a.jpg": "accepted",
      "b.png": "accepted",
      "notes.png": "not a JPEG, PNG or WebP image: the content is a text file",
      "cut.jpg": "the JPEG file is truncated (it stops before the image ends)",
      "bomb.png": "the image is 100000×100000 px; at most 8192 px per side",
      "vector.svg": "not a JPEG, PNG or WebP image: the content is an SVG (vector images can carry scripts)",
      "logo.png": "not a JPEG, PNG or WebP image: the content is an SVG (vector images can carry scripts)",
      "anim.gif": "not a JPEG, PNG or WebP image: the content is a GIF",
      "polyglot.png": "extra data after the end of the PNG image (a polyglot file or something appended to it)",
      "tiny.png": "the image is 16×16 px; at least 32 px per side",
    });
    expect(first.find((result) => result.file === "a.jpg")).toMatchObject({ width: 64, height: 64 });

    // Second batch: a ZIP with nested folders, a duplicate of a file from the first batch, a zip slip.
    const archive = zip({ "set/x/c.webp": c, "set/d.png": d, "set/copy-of-a.jpg": a, "__MACOSX/set/._d.png": new Uint8Array(4) });
    const second = await addImportFiles(test.db, alice, set.id, importId, [upload("more.zip", archive), upload("slip.zip", zipSlip("../../evil.png", d))]);
    expect(byFile(second)).toEqual({
      "more.zip/set/x/c.webp": "accepted",
      "more.zip/set/d.png": "accepted",
      "more.zip/set/copy-of-a.jpg": "duplicate of a.jpg",
      "slip.zip": 'ZIP refused: refused: entry "../../evil.png" points outside its folder ("..")',
    });

    // Staged, not visible: the set is still empty, storage has nothing of it yet.
    expect((await getImageSet(test.db, alice, set.id)).set.imageCount).toBe(0);
    const status = await importStatus(test.db, alice, set.id, importId);
    expect(status.accepted).toBe(4);
    expect(status.rejected).toHaveLength(10);

    expect(await commitImport(test.db, alice, set.id, importId)).toEqual({ imported: 4, rejected: 10 });
    expect(staged(importId)).toBe(false);
    const view = await getImageSet(test.db, alice, set.id);
    expect(view.set.imageCount).toBe(4);
    expect(view.sizes).toEqual([{ width: 64, height: 64, count: 4 }]);
    expect(view.images.map((row) => row.originalName).sort()).toEqual(["a.jpg", "b.png", "more.zip/set/d.png", "more.zip/set/x/c.webp"]);

    const rows = await test.db.image.findMany({ where: { imageSetId: set.id } });
    for (const row of rows) {
      expect(row.label).toBe(ImageLabel.REAL);
      expect(row.storageKey).toBe(imageStorageKey(row.contentHash));
      expect((await sharp(path.join(storageRoot(), row.storageKey)).metadata()).format).toBe("png");
      expect(row.byteSize).toBe(statSync(path.join(storageRoot(), row.storageKey)).size);
      expect(sha256(readFileSync(path.join(storageRoot(), row.storageKey)))).toBe(row.contentHash);
      expect(stored(thumbnailStorageKey(row.contentHash))).toBe(true);
    }
    const thumb = await imageThumbnail(test.db, alice, set.id, rows[0]!.id);
    expect((await sharp(thumb).metadata()).format).toBe("webp");
  });

  it("rejects an image already in the set as a duplicate in a later import", async () => {
    const [set] = await listImageSets(test.db, alice);
    const { importId } = await startImport(test.db, alice, set!.id, { targetSize: 64 });
    const again = await addImportFiles(test.db, alice, set!.id, importId, [upload("again.png", await image("png", 80, 80, seed + 1))]);
    expect(byFile(again)).toEqual({ "again.png": "duplicate of b.png (already in the set)" });
    await expect(commitImport(test.db, alice, set!.id, importId)).rejects.toMatchObject({ code: "UNPROCESSABLE", message: expect.stringMatching(/^Nothing to import/) });
    await abandonImport(test.db, alice, set!.id, importId);
  });

  it("refuses to commit an import with no accepted image", async () => {
    const set = await createImageSet(test.db, alice, { name: "Empty", label: "GENERATED" });
    const { importId } = await startImport(test.db, alice, set.id, { targetSize: null });
    await addImportFiles(test.db, alice, set.id, importId, [upload("notes.png", Buffer.from("just text, not pixels"))]);
    await expect(commitImport(test.db, alice, set.id, importId)).rejects.toMatchObject({ code: "UNPROCESSABLE" });
    expect(await test.db.image.count({ where: { imageSetId: set.id } })).toBe(0);
  });

  it("leaves nothing behind when an import is abandoned", async () => {
    const set = await createImageSet(test.db, alice, { name: "Abandoned", label: "GENERATED" });
    const { importId } = await startImport(test.db, alice, set.id, { targetSize: null });
    const bytes = await image("png", 70, 70, seed + 20);
    const [result] = await addImportFiles(test.db, alice, set.id, importId, [upload("x.png", bytes)]);
    expect(result!.status).toBe("accepted");
    expect(staged(importId)).toBe(true);
    await abandonImport(test.db, alice, set.id, importId);
    expect(staged(importId)).toBe(false);
    expect(await test.db.image.count({ where: { imageSetId: set.id } })).toBe(0);
    await expect(commitImport(test.db, alice, set.id, importId)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("rolls a failing commit back completely, cleans the copied objects, and can be committed again", async () => {
    const set = await createImageSet(test.db, alice, { name: "Model A", label: "GENERATED" });
    const { importId } = await startImport(test.db, alice, set.id, { targetSize: null });
    const files = await Promise.all([image("png", 72, 72, seed + 30), image("png", 72, 72, seed + 31), image("jpeg", 72, 72, seed + 32)]);
    const results = await addImportFiles(test.db, alice, set.id, importId, [upload("one.png", files[0]!), upload("two.png", files[1]!), upload("poison.jpg", files[2]!)]);
    expect(results.every((result) => result.status === "accepted")).toBe(true);

    // The database refuses the last row of the batch: the whole commit must roll back.
    await test.db.$executeRawUnsafe(`CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN
      IF NEW."originalName" = 'poison.jpg' THEN RAISE EXCEPTION 'poisoned row'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
    await test.db.$executeRawUnsafe(`CREATE TRIGGER refuse_poison BEFORE INSERT ON "Image" FOR EACH ROW EXECUTE FUNCTION refuse_poison()`);
    const error = await commitImport(test.db, alice, set.id, importId).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(await test.db.image.count({ where: { imageSetId: set.id } })).toBe(0);
    const { accepted } = await importStatus(test.db, alice, set.id, importId);
    expect(accepted).toBe(3);
    const hashes = await Promise.all(files.map(normalizedHash));
    for (const hash of hashes) {
      expect(stored(imageStorageKey(hash))).toBe(false);
      expect(stored(thumbnailStorageKey(hash))).toBe(false);
    }

    await test.db.$executeRawUnsafe(`DROP TRIGGER refuse_poison ON "Image"`);
    expect(await commitImport(test.db, alice, set.id, importId)).toEqual({ imported: 3, rejected: 0 });
    for (const hash of hashes) expect(stored(imageStorageKey(hash))).toBe(true);
  });

  it("stores the same picture in two sets under two keys", async () => {
    const bytes = await image("png", 90, 90, seed + 40);
    const sets = await Promise.all([createImageSet(test.db, alice, { name: "Dup 1", label: "REAL" }), createImageSet(test.db, alice, { name: "Dup 2", label: "REAL" })]);
    for (const set of sets) {
      const { importId } = await startImport(test.db, alice, set.id, { targetSize: null });
      await addImportFiles(test.db, alice, set.id, importId, [upload("same.png", bytes)]);
      expect(await commitImport(test.db, alice, set.id, importId)).toEqual({ imported: 1, rejected: 0 });
    }
    const rows = await test.db.image.findMany({ where: { imageSetId: { in: sets.map((set) => set.id) } } });
    expect(new Set(rows.map((row) => row.contentHash)).size).toBe(1);
    expect(new Set(rows.map((row) => row.storageKey)).size).toBe(2);
    for (const row of rows) expect(stored(row.storageKey)).toBe(true);
  });

  it("answers another researcher with 404 everywhere, and lets an admin in", async () => {
    const set = await createImageSet(test.db, alice, { name: "Private", label: "REAL" });
    const { importId } = await startImport(test.db, alice, set.id, { targetSize: null });
    await addImportFiles(test.db, alice, set.id, importId, [upload("p.png", await image("png", 64, 64, seed + 50))]);
    const notFound = { code: "NOT_FOUND" };
    await expect(getImageSet(test.db, bob, set.id)).rejects.toMatchObject(notFound);
    await expect(startImport(test.db, bob, set.id, { targetSize: null })).rejects.toMatchObject(notFound);
    await expect(addImportFiles(test.db, bob, set.id, importId, [upload("q.png", await image("png", 64, 64, seed + 51))])).rejects.toMatchObject(notFound);
    await expect(commitImport(test.db, bob, set.id, importId)).rejects.toMatchObject(notFound);
    await expect(abandonImport(test.db, bob, set.id, importId)).rejects.toMatchObject(notFound);
    // An import of one set cannot be used through another set the caller owns.
    const bobs = await createImageSet(test.db, bob, { name: "Bob's", label: "REAL" });
    await expect(commitImport(test.db, bob, bobs.id, importId)).rejects.toMatchObject(notFound);
    expect((await listImageSets(test.db, bob)).map((own) => own.name)).toEqual(["Bob's"]);

    expect(await commitImport(test.db, admin, set.id, importId)).toEqual({ imported: 1, rejected: 0 });
    const [row] = (await getImageSet(test.db, admin, set.id)).images;
    await expect(imageThumbnail(test.db, bob, set.id, row!.id)).rejects.toMatchObject(notFound);
    await expect(imageThumbnail(test.db, bob, bobs.id, row!.id)).rejects.toMatchObject(notFound);
  });
});

/** The content hash an upload gets once normalized (no target size). */
async function normalizedHash(bytes: Uint8Array): Promise<string> {
  const verdict = await ingestImage(bytes, { targetSize: null });
  if (verdict.status !== "accepted") throw new Error(verdict.reason);
  return verdict.contentHash;
}
