import sharp from "sharp";
import { describe, expect, it } from "vitest";
import {
  FLATTEN_BACKGROUND,
  imageStorageKey,
  INGEST_LIMITS,
  ingestImage,
  isIgnoredPath,
  sniffFormat,
  thumbnailStorageKey,
  type IngestVerdict,
  type NormalizedImage,
} from "@/lib/storage/ingest";
import {
  gif,
  HIDDEN_PAYLOAD,
  image,
  jpegBomb,
  METADATA_MARKERS,
  pngBomb,
  polyglotsInsideImages,
  pngWithMetadata,
  pngZipPolyglot,
  rotatedJpeg,
  svgWithScript,
  textRenamedPng,
  transparentPng,
  truncatedJpeg,
  webpBomb,
  zip,
} from "../../fixtures/ingest/fixtures";

const KEEP = { targetSize: null } as const;

function accepted(verdict: IngestVerdict): NormalizedImage {
  if (verdict.status !== "accepted") throw new Error(`expected acceptance, got: ${verdict.reason}`);
  return verdict;
}

function reason(verdict: IngestVerdict): string {
  if (verdict.status !== "rejected") throw new Error("expected a rejection");
  return verdict.reason;
}

/** The distinct chunk types of a PNG, in order (IDAT may repeat). */
function pngChunkTypes(png: Buffer): string[] {
  const types: string[] = [];
  for (let at = 8; at < png.length; at += 12 + png.readUInt32BE(at)) types.push(png.toString("latin1", at + 4, at + 8));
  return [...new Set(types)];
}

function pngChunk(png: Buffer, type: string): Buffer | undefined {
  for (let at = 8; at < png.length; at += 12 + png.readUInt32BE(at)) {
    if (png.toString("latin1", at + 4, at + 8) === type) return png.subarray(at, at + 12 + png.readUInt32BE(at));
  }
  return undefined;
}

describe("ingestImage: refusals decided by decoding, not by name", () => {
  it("refuses a text file renamed .png, naming what it is", async () => {
    expect(reason(await ingestImage(textRenamedPng(), KEEP))).toBe("not a JPEG, PNG or WebP image: the content is a text file");
  });

  it("refuses an SVG with a script, also when it is called .png", async () => {
    expect(reason(await ingestImage(svgWithScript(), KEEP))).toMatch(/the content is an SVG/);
    expect(sniffFormat(svgWithScript())).toEqual({ other: expect.stringContaining("SVG") });
  });

  it("refuses a GIF, an empty file and a file over 25 MB", async () => {
    expect(reason(await ingestImage(await gif(), KEEP))).toMatch(/the content is a GIF/);
    expect(reason(await ingestImage(new Uint8Array(0), KEEP))).toBe("the file is empty");
    const huge = Buffer.alloc(INGEST_LIMITS.maxImageBytes + 1);
    (await image("png", 64, 64, 1)).copy(huge);
    expect(reason(await ingestImage(huge, KEEP))).toBe("the file is 25 MB; the limit is 25 MB");
  });

  it("refuses a truncated JPEG and a truncated PNG", async () => {
    expect(reason(await ingestImage(await truncatedJpeg(1), KEEP))).toMatch(/JPEG file is truncated/);
    const png = await image("png", 200, 150, 2);
    expect(reason(await ingestImage(png.subarray(0, png.length - 40), KEEP))).toMatch(/PNG file is truncated/);
  });

  it("refuses decompression bombs from their headers, before decoding: PNG, JPEG and WebP", async () => {
    // Each carries the pixel data of a tiny image: had it been decoded, the refusal would be
    // "truncated or corrupt", not a size read from the header.
    expect(reason(await ingestImage(pngBomb(), KEEP))).toBe("the image is 100000×100000 px; at most 8192 px per side");
    const png = pngBomb(30_000, 30_000);
    expect(png.length).toBeLessThan(2048);
    expect(reason(await ingestImage(png, KEEP))).toBe("the image is 30000×30000 px; at most 8192 px per side");
    expect(reason(await ingestImage(await jpegBomb(30_000, 30_000), KEEP))).toBe("the image is 30000×30000 px; at most 8192 px per side");
    expect(reason(await ingestImage(await webpBomb(16_000, 16_000), KEEP))).toBe("the image is 16000×16000 px; at most 8192 px per side");
    // The pixel budget of the decoder matches the side limit: the largest accepted image decodes.
    expect(INGEST_LIMITS.maxInputPixels).toBe(INGEST_LIMITS.maxSide * INGEST_LIMITS.maxSide);
  });

  it("refuses images under 32 px per side", async () => {
    expect(reason(await ingestImage(await image("jpeg", 31, 200, 3), KEEP))).toBe("the image is 31×200 px; at least 32 px per side");
  });

  it("refuses a PNG with a ZIP appended (polyglot)", async () => {
    expect(reason(await ingestImage(await pngZipPolyglot(4), KEEP))).toMatch(/extra data after the end of the PNG image/);
  });

  it("refuses a JPEG with an HTML page appended, but not zero padding", async () => {
    const jpeg = await image("jpeg", 64, 64, 5);
    expect(reason(await ingestImage(Buffer.concat([jpeg, Buffer.from("<html><script>x()</script></html>")]), KEEP))).toMatch(/extra data after the end of the JPEG/);
    accepted(await ingestImage(Buffer.concat([jpeg, Buffer.alloc(64)]), KEEP));
  });

  it("decides by content, never by name or MIME type: the verdict cannot depend on them, as it only sees bytes", async () => {
    // ingestImage has no name parameter; what a name would change is only which reader runs (.zip).
    expect(ingestImage.length).toBe(2);
    expect(sniffFormat(await image("jpeg", 64, 64, 8))).toBe("jpeg");
    expect(sniffFormat(await gif())).toEqual({ other: "a GIF" });
    expect(sniffFormat(zip({ "a.png": new Uint8Array(4) }))).toEqual({ other: "a ZIP archive (give it a .zip name)" });
    expect(reason(await ingestImage(Buffer.from("<!doctype html><html><script>x()</script></html>"), KEEP))).toBe(
      "not a JPEG, PNG or WebP image: the content is an HTML/XML text file",
    );
  });

  it("refuses an image smaller than the import's target size instead of upscaling it", async () => {
    expect(reason(await ingestImage(await image("png", 200, 300, 6), { targetSize: 256 }))).toMatch(/smaller than this import's 256×256 target/);
  });
});

describe("ingestImage: normalization", () => {
  it("accepts JPEG, PNG and WebP and stores each as an 8-bit RGB PNG with no metadata chunk", async () => {
    for (const format of ["jpeg", "png", "webp"] as const) {
      const result = accepted(await ingestImage(await image(format, 100, 80, 7), KEEP));
      expect(result).toMatchObject({ width: 100, height: 80, sourceFormat: format });
      expect(result.png.subarray(1, 4).toString("latin1")).toBe("PNG");
      expect(result.png[24]).toBe(8); // bit depth
      expect(result.png[25]).toBe(2); // colour type: truecolour, no alpha
      expect(pngChunkTypes(result.png)).toEqual(["IHDR", "pHYs", "IDAT", "IEND"]);
    }
  });

  it("strips EXIF, XMP, ICC, text chunks and the resolution of a PNG carrying them", async () => {
    const original = await pngWithMetadata(8);
    const before = await sharp(original).metadata();
    expect(before.exif).toBeDefined();
    expect(before.icc).toBeDefined();
    expect(before.density).toBe(300);
    const result = accepted(await ingestImage(original, KEEP));
    const after = await sharp(result.png).metadata();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.icc).toBeUndefined();
    expect(after.comments ?? []).toEqual([]);
    // The resolution chunk is the same constant as for an upload that had none.
    const plain = accepted(await ingestImage(await image("png", 96, 64, 8), KEEP));
    expect(after.density).not.toBe(300);
    expect(pngChunk(result.png, "pHYs")!.equals(pngChunk(plain.png, "pHYs")!)).toBe(true);
    const text = result.png.toString("latin1");
    for (const marker of METADATA_MARKERS) expect(text).not.toContain(marker);
  });

  it("keeps nothing of a payload hidden inside a valid image (ZIP in a private PNG chunk, scripts in text chunks and JPEG comments)", async () => {
    const { png, jpeg } = await polyglotsInsideImages(40);
    for (const polyglot of [png, jpeg]) {
      expect(polyglot.includes(HIDDEN_PAYLOAD)).toBe(true);
      const stored = accepted(await ingestImage(polyglot, KEEP));
      for (const bytes of [stored.png, stored.thumbnail]) {
        expect(bytes.includes("script")).toBe(false);
        expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x03, 0x04]))).toBe(false); // a ZIP's local header
      }
      expect(pngChunkTypes(stored.png)).toEqual(["IHDR", "pHYs", "IDAT", "IEND"]);
    }
  });

  it("applies EXIF orientation: a 120×80 JPEG marked 'rotate 90°' becomes an 80×120 image", async () => {
    const result = accepted(await ingestImage(await rotatedJpeg(9), KEEP));
    expect([result.width, result.height]).toEqual([80, 120]);
    expect((await sharp(result.png).metadata()).orientation).toBeUndefined();
  });

  it("flattens transparency onto mid-grey", async () => {
    const result = accepted(await ingestImage(await transparentPng(64, 64, 10), KEEP));
    const { data, info } = await sharp(result.png).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    const rightEdge = (10 * 64 + 63) * 3;
    expect([...data.subarray(rightEdge, rightEdge + 3)]).toEqual([FLATTEN_BACKGROUND.r, FLATTEN_BACKGROUND.g, FLATTEN_BACKGROUND.b]);
  });

  it("resizes to the import's square target (cover, centred) whatever the source format and shape", async () => {
    const results = await Promise.all([
      ingestImage(await image("jpeg", 400, 300, 11), { targetSize: 128 }),
      ingestImage(await image("webp", 300, 500, 12), { targetSize: 128 }),
      ingestImage(await image("png", 128, 128, 13), { targetSize: 128 }),
    ]);
    for (const result of results.map(accepted)) {
      expect([result.width, result.height]).toEqual([128, 128]);
      expect(pngChunkTypes(result.png)).toEqual(["IHDR", "pHYs", "IDAT", "IEND"]);
    }
  });

  it("is deterministic: the same upload gives the same bytes and content hash; another gives another", async () => {
    const jpeg = await image("jpeg", 90, 90, 14);
    const [first, second, other] = (await Promise.all([ingestImage(jpeg, KEEP), ingestImage(Buffer.from(jpeg), KEEP), ingestImage(await image("jpeg", 90, 90, 15), KEEP)])).map(accepted);
    expect(first!.png.equals(second!.png)).toBe(true);
    expect(first!.contentHash).toBe(second!.contentHash);
    expect(first!.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(other!.contentHash).not.toBe(first!.contentHash);
  });

  it("makes a WebP thumbnail of at most 160 px", async () => {
    const result = accepted(await ingestImage(await image("png", 400, 200, 16), KEEP));
    const thumb = await sharp(result.thumbnail).metadata();
    expect(thumb).toMatchObject({ format: "webp", width: 160, height: 80 });
  });
});

describe("storage keys and ignored paths", () => {
  it("keys hold only the content hash (no label, no name)", () => {
    const hash = "ab".repeat(32);
    expect(imageStorageKey(hash)).toBe(`images/ab/${hash}.png`);
    expect(thumbnailStorageKey(hash)).toBe(`thumbs/${hash}.webp`);
  });

  it("skips macOS resource forks and dotfiles at any depth, keeps nested folders", () => {
    expect(isIgnoredPath("__MACOSX/a/._x.png")).toBe(true);
    expect(isIgnoredPath("set/.DS_Store")).toBe(true);
    expect(isIgnoredPath(".hidden/x.png")).toBe(true);
    expect(isIgnoredPath("set/a/b/x.png")).toBe(false);
  });
});
