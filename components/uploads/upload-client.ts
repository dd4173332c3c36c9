/**
 * Browser side of uploads: batching, one XHR per batch (fetch has no upload progress), and the
 * reading of dropped folders. No React here.
 */
import { UPLOAD_BATCH } from "@/lib/storage/ingest-limits";

export type FileResult = { file: string; status: "accepted" | "rejected"; reason?: string; width?: number; height?: number };

/** Groups files into requests of at most UPLOAD_BATCH files and bytes (a bigger file goes alone). */
export function planBatches<F extends { size: number }>(files: F[], limits: { maxFiles: number; maxBytes: number } = UPLOAD_BATCH): F[][] {
  const batches: F[][] = [];
  let current: F[] = [];
  let bytes = 0;
  for (const file of files) {
    if (current.length > 0 && (current.length >= limits.maxFiles || bytes + file.size > limits.maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += file.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Hidden files and macOS resource forks never leave the browser. */
export function isIgnoredName(relativePath: string): boolean {
  return relativePath.split("/").some((segment) => segment.startsWith(".") || segment === "__MACOSX");
}

export class UploadError extends Error {}

/** POSTs files as multipart/form-data and reports the bytes sent so far. */
export function uploadBatch(url: string, files: File[], onProgress: (loaded: number, total: number) => void): Promise<FileResult[]> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const file of files) form.append("files", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.responseType = "json";
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    };
    xhr.onload = () => {
      const body = xhr.response as { results?: FileResult[]; error?: { message?: string } } | null;
      if (xhr.status >= 200 && xhr.status < 300 && body?.results) resolve(body.results);
      else reject(new UploadError(body?.error?.message ?? `The server answered ${xhr.status}.`));
    };
    xhr.onerror = () => reject(new UploadError("The connection failed."));
    xhr.send(form);
  });
}

type Entry = { isFile: boolean; isDirectory: boolean; name: string; fullPath: string };
type FileEntry = Entry & { file(success: (file: File) => void, failure: (error: unknown) => void): void };
type DirectoryEntry = Entry & { createReader(): { readEntries(success: (entries: Entry[]) => void, failure: (error: unknown) => void): void } };

async function readEntry(entry: Entry, out: File[]): Promise<void> {
  if (isIgnoredName(entry.fullPath.replace(/^\//, ""))) return;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileEntry).file(resolve, reject));
    out.push(new File([file], entry.fullPath.replace(/^\//, ""), { type: file.type }));
    return;
  }
  if (entry.isDirectory) {
    const reader = (entry as DirectoryEntry).createReader();
    // readEntries returns at most ~100 entries per call: read until it returns none.
    for (;;) {
      const batch = await new Promise<Entry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const child of batch) await readEntry(child, out);
    }
  }
}

/** Files from a drop, folders included (their files named by their path inside the dropped folder). */
export async function filesFromDrop(data: DataTransfer): Promise<File[]> {
  const entries = Array.from(data.items)
    .map((item) => (item.kind === "file" ? (item.webkitGetAsEntry?.() as Entry | null) : null))
    .filter((entry): entry is Entry => entry !== null);
  if (entries.length === 0) return Array.from(data.files).filter((file) => !isIgnoredName(file.name));
  const out: File[] = [];
  for (const entry of entries) await readEntry(entry, out);
  return out;
}
