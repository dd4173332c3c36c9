import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "@/lib/auth/guard";
import { Role } from "@/lib/db";
import { addImportFiles, commitImport, createImageSet, importStatus, startImport, type FileResult, type UploadedFile } from "@/lib/storage/image-sets";
import { storageRoot } from "@/lib/storage/local";
import {
  gif,
  HIDDEN_PAYLOAD,
  image,
  jpegBomb,
  pngBomb,
  pngZipPolyglot,
  polyglotsInsideImages,
  svgWithScript,
  zip,
  zipBombDeclared,
  zipBombLying,
  zipSlip,
} from "../fixtures/ingest/fixtures";
import { createTestDatabase, createTestUser, targetKinds, type TestDatabase } from "../support/test-db";

const upload = (name: string, bytes: Uint8Array): UploadedFile => ({ name, size: bytes.length, bytes: async () => bytes });
const byFile = (results: FileResult[]) => Object.fromEntries(results.map((result) => [result.file, result.status === "accepted" ? "accepted" : result.reason]));

/**
 * Issue 6's upload attacks through the import service, all in one import next to a few honest
 * files: each attack gets its own clear reason, and the commit adds the honest files and nothing
 * of the attacks.
 */
describe.each(targetKinds())("upload attacks on %s", (kind) => {
  let test: TestDatabase;
  let mallory: CurrentUser;
  const seed = kind === "pglite" ? 1300 : 1400;

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    mallory = await createTestUser(test.db, "mallory@example.org", Role.RESEARCHER);
  });
  afterAll(async () => test.cleanup());

  it("refuses each attack with its own reason and imports only the honest files, with none of the payloads", async () => {
    const set = await createImageSet(test.db, mallory, { name: "Attacks", label: "GENERATED" });
    const { importId } = await startImport(test.db, mallory, set.id, { targetSize: null });
    const [jpeg, png, inZip] = await Promise.all([image("jpeg", 96, 96, seed), image("png", 96, 96, seed + 1), image("png", 96, 96, seed + 2)]);
    const inside = await polyglotsInsideImages(seed + 3);
    const results = await addImportFiles(test.db, mallory, set.id, importId, [
      // Names and contents that disagree: the content decides; only ".zip" picks the archive reader.
      upload("jpeg-named.png", jpeg),
      upload("animation.png", await gif()),
      upload("picture.zip", png),
      upload("archive.png", zip({ "a.png": inZip })),
      upload("drawing.svg", svgWithScript()),
      upload("drawing.png", svgWithScript()),
      // Decompression bombs: tiny files whose headers claim 30 000 × 30 000 px.
      upload("bomb.png", pngBomb(30_000, 30_000)),
      upload("bomb.jpg", await jpegBomb(30_000, 30_000)),
      // Zip slip and zip bombs.
      upload("slip.zip", zipSlip("../../../etc/evil.png", png)),
      upload("declared.zip", zipBombDeclared()),
      upload("lying.zip", zipBombLying()),
      upload("mixed.zip", zip({ "zeros.png": new Uint8Array(5 * 1024 * 1024), "inside/ok.png": inZip })),
      // Polyglots: a ZIP appended to a PNG is refused; payloads inside valid images are dropped by re-encoding.
      upload("appended.png", await pngZipPolyglot(seed + 4)),
      upload("inside.png", inside.png),
      upload("inside.jpg", inside.jpeg),
    ]);
    expect(byFile(results)).toEqual({
      "jpeg-named.png": "accepted",
      "animation.png": "not a JPEG, PNG or WebP image: the content is a GIF",
      "picture.zip": "ZIP refused: not a ZIP archive (no central directory found; is the file complete?)",
      "archive.png": "not a JPEG, PNG or WebP image: the content is a ZIP archive (give it a .zip name)",
      "drawing.svg": "not a JPEG, PNG or WebP image: the content is an SVG (vector images can carry scripts)",
      "drawing.png": "not a JPEG, PNG or WebP image: the content is an SVG (vector images can carry scripts)",
      "bomb.png": "the image is 30000×30000 px; at most 8192 px per side",
      "bomb.jpg": "the image is 30000×30000 px; at most 8192 px per side",
      "slip.zip": 'ZIP refused: refused: entry "../../../etc/evil.png" points outside its folder ("..")',
      "declared.zip": "ZIP refused: the archive would unpack to more than 2 GB (a zip bomb?)",
      "lying.zip/small.png": "the archive entry unpacks to a different size than it declares (corrupt, or a zip bomb)",
      "mixed.zip/zeros.png": expect.stringMatching(/^the archive entry would inflate \d+ times its size \(more than 100:1, a zip bomb\?\)$/),
      "mixed.zip/inside/ok.png": "accepted",
      "appended.png": "extra data after the end of the PNG image (a polyglot file or something appended to it)",
      "inside.png": "accepted",
      "inside.jpg": "accepted",
    });
    expect((await importStatus(test.db, mallory, set.id, importId)).accepted).toBe(4);

    expect(await commitImport(test.db, mallory, set.id, importId)).toEqual({ imported: 4, rejected: 12 });
    const rows = await test.db.image.findMany({ where: { imageSetId: set.id }, orderBy: { originalName: "asc" } });
    expect(rows.map((row) => row.originalName)).toEqual(["inside.jpg", "inside.png", "jpeg-named.png", "mixed.zip/inside/ok.png"]);
    for (const row of rows) {
      const stored = readFileSync(path.join(storageRoot(), row.storageKey));
      expect(stored.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(stored.includes(HIDDEN_PAYLOAD)).toBe(false);
      expect(stored.includes("script")).toBe(false);
      expect(stored.includes(Buffer.from([0x50, 0x4b, 0x03, 0x04]))).toBe(false);
    }
  });
});
