import { createHash } from "node:crypto";
import sharp, { type Metadata, type OutputInfo } from "sharp";
import { formatBytes, INGEST_LIMITS } from "@/lib/storage/ingest-limits";

export { formatBytes, INGEST_LIMITS };

/**
 * Validation and normalization of one uploaded image: the functional core of ingestion (bytes in,
 * a verdict out; no database, no disk). Why normalize at all: an annotator must not be able to
 * tell a real image from a generated one by anything but its pixels, so every stored image has
 * one format (8-bit RGB PNG, one encoder setting), no metadata, sRGB colours and no alpha.
 */

/** Mid-grey: transparent pixels become this, for real and generated images alike. */
export const FLATTEN_BACKGROUND = { r: 128, g: 128, b: 128 } as const;

export type SourceFormat = "jpeg" | "png" | "webp";

export type IngestOptions = {
  /** Resize to a square of this side (cover, centred); null keeps the (oriented) size. */
  targetSize: number | null;
};

export type NormalizedImage = {
  status: "accepted";
  /** The stored bytes: 8-bit RGB PNG, no metadata. */
  png: Buffer;
  /** WebP preview for the researcher's views, at most 160 px per side. */
  thumbnail: Buffer;
  /** sha256 (hex) of `png`. */
  contentHash: string;
  width: number;
  height: number;
  sourceFormat: SourceFormat;
};

export type RejectedImage = { status: "rejected"; reason: string };
export type IngestVerdict = NormalizedImage | RejectedImage;

const reject = (reason: string): RejectedImage => ({ status: "rejected", reason });


const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return prefix.every((byte, i) => bytes[at + i] === byte);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.max(0, Math.min(end, bytes.length) - start)).toString("latin1");
}

/**
 * What the first bytes say the file is. Only JPEG, PNG and WebP go on to the decoder, so libvips
 * never parses an SVG, a GIF or a text file whatever its name; the others get a precise reason.
 */
export function sniffFormat(bytes: Uint8Array): SourceFormat | { other: string } {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(bytes, PNG_SIGNATURE)) return "png";
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return "webp";
  const head = ascii(bytes, 0, 12);
  if (head.startsWith("GIF87a") || head.startsWith("GIF89a")) return { other: "a GIF" };
  if (head.startsWith("%PDF")) return { other: "a PDF" };
  if (head.startsWith("PK\u0003\u0004")) return { other: "a ZIP archive (give it a .zip name)" };
  if (head.startsWith("BM")) return { other: "a BMP" };
  if (head.startsWith("II*\u0000") || head.startsWith("MM\u0000*")) return { other: "a TIFF" };
  if (ascii(bytes, 4, 8) === "ftyp") return { other: /avif|avis/.test(ascii(bytes, 8, 12)) ? "an AVIF" : "a HEIC/HEIF or video" };
  const text = Buffer.from(bytes.subarray(0, 512)).toString("utf8").replace(/^\uFEFF/, "").trimStart().toLowerCase();
  if (text.startsWith("<svg") || (text.startsWith("<?xml") && text.includes("<svg"))) return { other: "an SVG (vector images can carry scripts)" };
  if (text.startsWith("<")) return { other: "an HTML/XML text file" };
  if (isMostlyText(bytes)) return { other: "a text file" };
  return { other: "of an unknown type" };
}

function isMostlyText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 512);
  if (sample.length === 0) return false;
  let printable = 0;
  for (const byte of sample) if (byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127) || byte >= 128) printable++;
  return printable / sample.length > 0.95;
}

/** Where the image data ends inside the file, or why it does not end properly. */
type EndCheck = { ok: true; end: number; animated?: boolean } | { ok: false; truncated: true };

function pngEnd(bytes: Uint8Array): EndCheck {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let animated = false;
  while (at + 12 <= bytes.length) {
    const length = view.getUint32(at);
    const type = ascii(bytes, at + 4, at + 8);
    const next = at + 12 + length;
    if (next > bytes.length) return { ok: false, truncated: true };
    if (type === "acTL") animated = true;
    if (type === "IEND") return { ok: true, end: next, animated };
    at = next;
  }
  return { ok: false, truncated: true };
}

function jpegEnd(bytes: Uint8Array): EndCheck {
  let at = 2; // after SOI
  while (at < bytes.length) {
    if (bytes[at] !== 0xff) return { ok: false, truncated: true };
    while (bytes[at] === 0xff) at++; // fill bytes
    if (at >= bytes.length) break;
    const marker = bytes[at]!;
    at++;
    if (marker === 0xd9) return { ok: true, end: at };
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // no length
    if (at + 2 > bytes.length) break;
    const length = (bytes[at]! << 8) | bytes[at + 1]!;
    at += length;
    if (marker === 0xda) {
      // Entropy-coded data runs to the next marker that is not a stuffed 0x00 or a restart marker.
      while (at + 1 < bytes.length && !(bytes[at] === 0xff && bytes[at + 1] !== 0x00 && !(bytes[at + 1]! >= 0xd0 && bytes[at + 1]! <= 0xd7))) at++;
      if (at + 1 >= bytes.length) break;
    }
  }
  return { ok: false, truncated: true };
}

function webpEnd(bytes: Uint8Array): EndCheck {
  if (bytes.length < 12) return { ok: false, truncated: true };
  const size = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  const end = 8 + size;
  if (end > bytes.length) return { ok: false, truncated: true };
  return { ok: true, end };
}

/**
 * Bytes after the image's own end: a ZIP, a script or an HTML page glued to a valid image (a
 * polyglot). The only tolerated tail is another JPEG after a JPEG (multi-picture / gain-map JPEGs
 * from phones) or zero padding; normalization throws the tail away in any case.
 */
function trailingProblem(format: SourceFormat, bytes: Uint8Array, end: number): boolean {
  if (end >= bytes.length) return false;
  const tail = bytes.subarray(end);
  if (tail.every((byte) => byte === 0)) return false;
  if (format === "jpeg") {
    const firstNonZero = tail.findIndex((byte) => byte !== 0);
    return !startsWith(tail, [0xff, 0xd8, 0xff], firstNonZero);
  }
  return true;
}

const FORMAT_NAME: Record<SourceFormat, string> = { jpeg: "JPEG", png: "PNG", webp: "WebP" };

function decodeFailure(format: SourceFormat, error: unknown): RejectedImage {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) return reject(`too many pixels to decode safely (limit ${INGEST_LIMITS.maxSide}×${INGEST_LIMITS.maxSide})`);
  if (/premature|truncat|end of (file|data|stream)|read error|not enough data|incomplete/i.test(message)) {
    return reject(`the ${FORMAT_NAME[format]} file is truncated or corrupt`);
  }
  return reject(`the ${FORMAT_NAME[format]} file cannot be decoded (${message.split("\n")[0]!.slice(0, 120)})`);
}

/**
 * Validates one uploaded file by decoding it (never by its name or declared MIME type) and, when
 * it is acceptable, normalizes it. Every refusal carries a reason meant for the researcher.
 */
export async function ingestImage(input: Uint8Array, options: IngestOptions): Promise<IngestVerdict> {
  if (input.length === 0) return reject("the file is empty");
  if (input.length > INGEST_LIMITS.maxImageBytes) {
    return reject(`the file is ${formatBytes(input.length)}; the limit is ${formatBytes(INGEST_LIMITS.maxImageBytes)}`);
  }
  const sniffed = sniffFormat(input);
  if (typeof sniffed !== "string") return reject(`not a JPEG, PNG or WebP image: the content is ${sniffed.other}`);
  const format = sniffed;

  const end = format === "png" ? pngEnd(input) : format === "jpeg" ? jpegEnd(input) : webpEnd(input);
  if (!end.ok) return reject(`the ${FORMAT_NAME[format]} file is truncated (it stops before the image ends)`);
  if (end.animated) return reject("animated images are not accepted");
  if (trailingProblem(format, input, end.end)) {
    return reject(`extra data after the end of the ${FORMAT_NAME[format]} image (a polyglot file or something appended to it)`);
  }

  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const decoderOptions = { failOn: "truncated", limitInputPixels: INGEST_LIMITS.maxInputPixels } as const;
  let metadata: Metadata;
  try {
    // Header only: a 100 000 × 100 000 "bomb" is refused here before any pixel is decoded.
    metadata = await sharp(bytes, { ...decoderOptions, limitInputPixels: false }).metadata();
  } catch (error) {
    return decodeFailure(format, error);
  }
  if (metadata.format !== format) return reject(`the content is not a valid ${FORMAT_NAME[format]} image`);
  if ((metadata.pages ?? 1) > 1) return reject("animated images are not accepted");
  const width = metadata.autoOrient?.width ?? metadata.width;
  const height = metadata.autoOrient?.height ?? metadata.height;
  if (!width || !height) return reject("the image has no dimensions");
  const { minSide, maxSide } = INGEST_LIMITS;
  if (width > maxSide || height > maxSide) return reject(`the image is ${width}×${height} px; at most ${maxSide} px per side`);
  if (width < minSide || height < minSide) return reject(`the image is ${width}×${height} px; at least ${minSide} px per side`);
  const target = options.targetSize;
  if (target !== null && Math.min(width, height) < target) {
    return reject(`the image is ${width}×${height} px, smaller than this import's ${target}×${target} target (it would be upscaled)`);
  }

  let raw: { data: Buffer; info: OutputInfo };
  try {
    let pipeline = sharp(bytes, decoderOptions).autoOrient().flatten({ background: FLATTEN_BACKGROUND }).toColourspace("srgb");
    if (target !== null) pipeline = pipeline.resize(target, target, { fit: "cover", position: "centre" });
    raw = await pipeline.removeAlpha().raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
  } catch (error) {
    return decodeFailure(format, error);
  }
  // Re-encoded from bare pixels: no EXIF, XMP, ICC, text chunk or resolution of the upload survives.
  const png = await encodeNormalizedPng(raw.data, raw.info.width, raw.info.height);
  const thumbnail = await makeThumbnail(png);
  return {
    status: "accepted",
    png,
    thumbnail,
    contentHash: createHash("sha256").update(png).digest("hex"),
    width: raw.info.width,
    height: raw.info.height,
    sourceFormat: format,
  };
}

/** The one PNG encoding of every stored image (8-bit RGB, fixed zlib level and filter). */
export function encodeNormalizedPng(rgb: Buffer, width: number, height: number): Promise<Buffer> {
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 9, adaptiveFiltering: false, palette: false, progressive: false })
    .toBuffer();
}

/** A small WebP preview (researcher views only; annotators always get the normalized PNG). */
export function makeThumbnail(png: Buffer): Promise<Buffer> {
  const side = INGEST_LIMITS.thumbnailSide;
  return sharp(png).resize(side, side, { fit: "inside", withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
}

/** Storage keys hold only the content hash: no label, no original name, no order. */
export function imageStorageKey(contentHash: string): string {
  return `images/${contentHash.slice(0, 2)}/${contentHash}.png`;
}

export function thumbnailStorageKey(contentHash: string): string {
  return `thumbs/${contentHash}.webp`;
}

/** Names that never reach the importer: macOS resource forks and hidden files. */
export function isIgnoredPath(path: string): boolean {
  return path.split("/").some((segment) => segment === "__MACOSX" || segment.startsWith("."));
}

export function isZipName(name: string): boolean {
  return /\.zip$/i.test(name);
}
