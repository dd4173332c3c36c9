import { crc32 } from "node:zlib";
import { Inflate } from "fflate";
import { isIgnoredPath } from "@/lib/storage/ingest";
import { formatBytes, ZIP_LIMITS } from "@/lib/storage/ingest-limits";

export { ZIP_LIMITS };

/**
 * A careful ZIP reader for uploads. The central directory is read and checked in full before
 * anything is inflated (names, entry count, declared sizes), then entries are inflated one at a
 * time in small input slices while the output bytes are counted, so a lying header cannot make
 * us allocate more than its declared size.
 */

/** A refusal of the whole archive, with a reason for the researcher. */
export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ZipError";
  }
}

export type ZipEntryInfo = {
  /** Path inside the archive, "/"-separated. */
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
};

export type ZipEntryResult = { name: string; bytes: Uint8Array } | { name: string; error: string };

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
/** How much compressed input is handed to the inflater at a time (≤ ~16 MB of output per slice). */
const INFLATE_SLICE = 16 * 1024;

function decodeName(raw: Uint8Array, flags: number): string {
  // Bit 11: UTF-8 names. Without it the name is CP437; latin1 keeps ASCII names exact.
  return flags & 0x800 ? new TextDecoder("utf-8").decode(raw) : Buffer.from(raw).toString("latin1");
}

/** Zip slip: a name that would land outside the folder it is unpacked into, or is not a plain path. */
export function unsafeEntryName(name: string): string | null {
  if (name.length === 0) return "an entry has an empty name";
  if (name.includes("\\")) return `entry "${name}" uses a backslash in its path`;
  if (name.startsWith("/") || /^[a-zA-Z]:/.test(name)) return `entry "${name}" has an absolute path`;
  if (name.split("/").some((segment) => segment === "..")) return `entry "${name}" points outside its folder ("..")`;
  if (/[\u0000-\u001f]/.test(name)) return `entry "${name.replace(/[\u0000-\u001f]/g, "?")}" has control characters in its name`;
  return null;
}

function findEndOfCentralDirectory(view: DataView): number {
  const minimum = 22;
  const earliest = Math.max(0, view.byteLength - minimum - 0xffff);
  for (let at = view.byteLength - minimum; at >= earliest; at--) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE) return at;
  }
  throw new ZipError("not a ZIP archive (no central directory found; is the file complete?)");
}

/** Reads and checks the central directory. Throws ZipError for a refused archive. */
export function readCentralDirectory(archive: Uint8Array): ZipEntryInfo[] {
  if (archive.length > ZIP_LIMITS.maxArchiveBytes) {
    throw new ZipError(`the archive is ${formatBytes(archive.length)}; the limit is ${formatBytes(ZIP_LIMITS.maxArchiveBytes)}`);
  }
  if (archive.length < 22) throw new ZipError("not a ZIP archive (too short)");
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  const count = view.getUint16(eocd + 10, true);
  const size = view.getUint32(eocd + 12, true);
  const offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) throw new ZipError("ZIP64 archives are not supported");
  if (count > ZIP_LIMITS.maxEntries) throw new ZipError(`the archive has ${count} entries; at most ${ZIP_LIMITS.maxEntries} are accepted`);
  if (offset + size > eocd) throw new ZipError("the ZIP central directory is corrupt");

  const entries: ZipEntryInfo[] = [];
  let total = 0;
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > eocd || view.getUint32(at, true) !== CENTRAL_SIGNATURE) throw new ZipError("the ZIP central directory is corrupt");
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const compressedSize = view.getUint32(at + 20, true);
    const uncompressedSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const localHeaderOffset = view.getUint32(at + 42, true);
    const name = decodeName(archive.subarray(at + 46, at + 46 + nameLength), flags);
    const unsafe = unsafeEntryName(name);
    if (unsafe) throw new ZipError(`refused: ${unsafe}`);
    if (localHeaderOffset + 30 + compressedSize > offset) throw new ZipError(`entry "${name}" lies outside the archive data`);
    total += uncompressedSize;
    if (total > ZIP_LIMITS.maxTotalUncompressed) {
      throw new ZipError(`the archive would unpack to more than ${formatBytes(ZIP_LIMITS.maxTotalUncompressed)} (a zip bomb?)`);
    }
    entries.push({ name, method, flags, crc, compressedSize, uncompressedSize, localHeaderOffset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Inflates a raw DEFLATE stream, stopping as soon as the output would pass `limit` bytes. */
export function inflateBounded(compressed: Uint8Array, limit: number): Uint8Array | null {
  const chunks: Uint8Array[] = [];
  let produced = 0;
  let exceeded = false;
  const inflater = new Inflate((chunk) => {
    produced += chunk.length;
    if (produced > limit) exceeded = true;
    else chunks.push(chunk);
  });
  for (let start = 0; start < compressed.length && !exceeded; start += INFLATE_SLICE) {
    const end = Math.min(compressed.length, start + INFLATE_SLICE);
    inflater.push(compressed.subarray(start, end), end === compressed.length);
  }
  if (exceeded) return null;
  const out = new Uint8Array(produced);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** The name in an entry's local header must be the central directory's (two names = two meanings). */
function checkLocalHeader(archive: Uint8Array, view: DataView, entry: ZipEntryInfo): void {
  const local = entry.localHeaderOffset;
  if (view.getUint32(local, true) !== LOCAL_SIGNATURE) throw new ZipError(`entry "${entry.name}" is corrupt (no local header)`);
  const nameLength = view.getUint16(local + 26, true);
  const localName = decodeName(archive.subarray(local + 30, local + 30 + nameLength), view.getUint16(local + 6, true));
  if (localName !== entry.name) throw new ZipError(`entry "${entry.name}" has another name in its local header ("${localName}")`);
}

function extract(archive: Uint8Array, view: DataView, entry: ZipEntryInfo): Uint8Array | string {
  if (entry.flags & 0x1) return "the entry is encrypted";
  if (entry.uncompressedSize > ZIP_LIMITS.maxEntryBytes) {
    return `the file is ${formatBytes(entry.uncompressedSize)}; the limit is ${formatBytes(ZIP_LIMITS.maxEntryBytes)}`;
  }
  const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
  if (entry.uncompressedSize > ZIP_LIMITS.ratioCheckBytes && ratio > ZIP_LIMITS.maxCompressionRatio) {
    return `the archive entry would inflate ${Math.round(ratio)} times its size (more than ${ZIP_LIMITS.maxCompressionRatio}:1, a zip bomb?)`;
  }
  const local = entry.localHeaderOffset;
  const nameLength = view.getUint16(local + 26, true);
  const extraLength = view.getUint16(local + 28, true);
  const dataStart = local + 30 + nameLength + extraLength;
  if (dataStart + entry.compressedSize > archive.length) return "the archive entry is truncated";
  const compressed = archive.subarray(dataStart, dataStart + entry.compressedSize);
  let bytes: Uint8Array | null;
  if (entry.method === 0) bytes = compressed.length === entry.uncompressedSize ? compressed : null;
  else if (entry.method === 8) {
    try {
      // Counted as it inflates: never more than the declared size is produced.
      bytes = inflateBounded(compressed, entry.uncompressedSize);
    } catch {
      return "the archive entry is corrupt (it cannot be inflated)";
    }
  } else return `the archive entry uses an unsupported compression method (${entry.method})`;
  if (bytes === null || bytes.length !== entry.uncompressedSize) {
    return "the archive entry unpacks to a different size than it declares (corrupt, or a zip bomb)";
  }
  if ((crc32(bytes) >>> 0) !== entry.crc) return "the archive entry is corrupt (checksum mismatch)";
  return bytes;
}

/**
 * The archive's files, one at a time (folders, __MACOSX/ and dotfiles skipped). The archive as a
 * whole is validated before the first entry is yielded, so a refused archive yields nothing.
 */
export function* readZipEntries(archive: Uint8Array): Generator<ZipEntryResult> {
  const entries = readCentralDirectory(archive);
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  for (const entry of entries) checkLocalHeader(archive, view, entry);
  for (const entry of entries) {
    if (entry.name.endsWith("/") || isIgnoredPath(entry.name)) continue;
    const result = extract(archive, view, entry);
    yield typeof result === "string" ? { name: entry.name, error: result } : { name: entry.name, bytes: result };
  }
}
