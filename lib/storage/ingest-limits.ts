/**
 * The limits of image ingestion, in one dependency-free module: the server enforces them and the
 * upload page shows them (and sizes its batches by them).
 */
export const INGEST_LIMITS = {
  /** Largest accepted upload per image. */
  maxImageBytes: 25 * 1024 * 1024,
  minSide: 32,
  maxSide: 8192,
  /** libvips refuses to decode more pixels than this (decompression bombs). */
  maxInputPixels: 8192 * 8192,
  thumbnailSide: 160,
  /** Allowed square target sizes chosen per import. */
  minTargetSize: 32,
  maxTargetSize: 4096,
} as const;

export const ZIP_LIMITS = {
  /** Largest accepted archive (it is held in memory while it is read). */
  maxArchiveBytes: 512 * 1024 * 1024,
  maxEntries: 20_000,
  /** Sum of the declared uncompressed sizes of all entries (zip bombs). */
  maxTotalUncompressed: 2 * 1024 * 1024 * 1024,
  /** Entries larger than this are refused one by one without being inflated. */
  maxEntryBytes: INGEST_LIMITS.maxImageBytes,
  /**
   * JPEG, PNG and WebP are compressed already and deflate about 1:1; an entry declared to inflate
   * more than this many times its stored size is a bomb (only checked above ratioCheckBytes).
   */
  maxCompressionRatio: 100,
  ratioCheckBytes: 1024 * 1024,
} as const;

/** What one upload request of the page carries at most (a single larger file goes alone). */
export const UPLOAD_BATCH = { maxFiles: 16, maxBytes: 32 * 1024 * 1024 } as const;

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024 * 1024)).toFixed(1).replace(/\.0$/, "")} GB`;
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "")} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1).replace(/\.0$/, "")} KB`;
  return `${bytes} bytes`;
}
