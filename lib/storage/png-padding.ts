import { crc32 } from "node:zlib";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Ancillary, private, safe-to-copy: decoders skip it (PNG spec §5.4). */
const PADDING_TYPE = Buffer.from("ppAd", "latin1");
export const PADDING_OVERHEAD = 12; // length + type + CRC

/**
 * Pads a PNG to exactly `targetLength` bytes with a chunk that every decoder ignores, inserted
 * before IEND. Why: compressed size depends on content, and real photographs and generated images
 * compress differently, so the byte count of a stimulus could tell its label. Serving every
 * stimulus of a study at one length removes that channel.
 */
export function padPng(png: Buffer, targetLength: number): Buffer {
  if (png.length < PNG_SIGNATURE.length + 12 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error("not a PNG");
  if (png.length === targetLength) return png;
  const dataLength = targetLength - png.length - PADDING_OVERHEAD;
  if (dataLength < 0) throw new RangeError(`cannot pad a ${png.length}-byte PNG to ${targetLength} bytes`);
  const iend = png.length - 12; // IEND is always the last, empty chunk
  if (png.subarray(iend + 4, iend + 8).toString("latin1") !== "IEND") throw new Error("PNG does not end with IEND");
  const chunk = Buffer.alloc(PADDING_OVERHEAD + dataLength);
  chunk.writeUInt32BE(dataLength, 0);
  PADDING_TYPE.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + dataLength)) >>> 0, 8 + dataLength);
  return Buffer.concat([png.subarray(0, iend), chunk, png.subarray(iend)]);
}

/** The one length every stimulus of a set of PNGs can be padded to. */
export function paddedLength(largest: number): number {
  return largest + PADDING_OVERHEAD;
}
