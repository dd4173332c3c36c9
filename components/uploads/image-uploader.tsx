"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { filesFromDrop, isIgnoredName, planBatches, uploadBatch, UploadError, type FileResult } from "@/components/uploads/upload-client";
import { formatBytes, INGEST_LIMITS } from "@/lib/storage/ingest-limits";

const TARGET_SIZES = [128, 256, 512, 1024] as const;
const PROGRESS_CLASS =
  "h-2 w-full appearance-none overflow-hidden rounded-full bg-zinc-200 [&::-moz-progress-bar]:bg-indigo-600 [&::-webkit-progress-bar]:bg-zinc-200 [&::-webkit-progress-value]:bg-indigo-600";

type Progress = { totalBytes: number; sentBytes: number; totalFiles: number; processedFiles: number };
const NO_PROGRESS: Progress = { totalBytes: 0, sentBytes: 0, totalFiles: 0, processedFiles: 0 };

async function apiJson<T>(url: string, init: RequestInit): Promise<T> {
  const response = await fetch(url, init).catch(() => null);
  if (!response) throw new UploadError("Could not reach the server. Try again.");
  if (response.status === 204) return undefined as T;
  const body = (await response.json().catch(() => null)) as (T & { error?: { message?: string } }) | null;
  if (!response.ok) throw new UploadError(body?.error?.message ?? `The server answered ${response.status}.`);
  return body as T;
}

/**
 * Drop zone and file pickers for one image set. Files go up in batches into one staged import;
 * the researcher sees bytes sent, files processed and every rejection with its reason, and
 * nothing reaches the set until "Add … to the set" commits the import.
 */
export function ImageUploader({ setId, defaultTargetSize }: { setId: string; defaultTargetSize: number | null }) {
  const router = useRouter();
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const importRef = useRef<string | null>(null);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const [targetSize, setTargetSize] = useState<number | null>(defaultTargetSize);
  const [importId, setImportId] = useState<string | null>(null);
  const [progress, setProgress] = useState<Progress>(NO_PROGRESS);
  const [accepted, setAccepted] = useState(0);
  const [rejected, setRejected] = useState<FileResult[]>([]);
  const [busy, setBusy] = useState<"uploading" | "committing" | "abandoning" | null>(null);
  const [pendingBatches, setPendingBatches] = useState(0);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function ensureImport(): Promise<string> {
    if (importRef.current) return importRef.current;
    const { importId: id } = await apiJson<{ importId: string }>(`/api/image-sets/${setId}/imports`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ targetSize }),
    });
    importRef.current = id;
    setImportId(id);
    return id;
  }

  async function uploadAll(files: File[]) {
    const id = await ensureImport();
    for (const batch of planBatches(files)) {
      const batchBytes = batch.reduce((sum, file) => sum + file.size, 0);
      let counted = 0;
      try {
        const results = await uploadBatch(`/api/image-sets/${setId}/imports/${id}/files`, batch, (loaded, total) => {
          // The multipart body is a little larger than the files: scale to the files' bytes.
          const sent = Math.round((loaded / total) * batchBytes);
          const delta = sent - counted; // computed now: React runs the updater later
          counted = sent;
          setProgress((current) => ({ ...current, sentBytes: current.sentBytes + delta }));
        });
        setAccepted((count) => count + results.filter((result) => result.status === "accepted").length);
        setRejected((list) => [...list, ...results.filter((result) => result.status === "rejected")]);
      } catch (caught) {
        const reason = `upload failed: ${caught instanceof Error ? caught.message : "unknown error"}`;
        setRejected((list) => [...list, ...batch.map((file) => ({ file: file.name, status: "rejected" as const, reason }))]);
      }
      const rest = batchBytes - counted;
      counted = batchBytes;
      setProgress((current) => ({
        ...current,
        sentBytes: current.sentBytes + rest,
        processedFiles: current.processedFiles + batch.length,
      }));
      setPendingBatches((count) => count - 1);
    }
  }

  function addFiles(list: File[]) {
    const files = list.filter((file) => !isIgnoredName(file.webkitRelativePath || file.name));
    if (files.length === 0) return;
    setError(null);
    setDone(null);
    setBusy("uploading");
    setProgress((current) => ({
      ...current,
      totalBytes: current.totalBytes + files.reduce((sum, file) => sum + file.size, 0),
      totalFiles: current.totalFiles + files.length,
    }));
    setPendingBatches((count) => count + planBatches(files).length);
    // One upload at a time, in the order the files were added.
    queue.current = queue.current
      .then(() => uploadAll(files))
      .catch((caught: unknown) => {
        setError(caught instanceof Error ? caught.message : "The upload failed.");
        setPendingBatches(0);
      })
      .finally(() => setBusy((state) => (state === "uploading" ? null : state)));
  }

  function reset() {
    importRef.current = null;
    setImportId(null);
    setProgress(NO_PROGRESS);
    setAccepted(0);
    setRejected([]);
  }

  async function commit() {
    if (!importId) return;
    setBusy("committing");
    setError(null);
    try {
      const result = await apiJson<{ imported: number; rejected: number }>(`/api/image-sets/${setId}/imports/${importId}/commit`, { method: "POST" });
      reset();
      setDone(`Added ${result.imported} image${result.imported === 1 ? "" : "s"} to the set${result.rejected ? ` (${result.rejected} file${result.rejected === 1 ? "" : "s"} rejected)` : ""}.`);
      router.refresh();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "The commit failed.");
    } finally {
      setBusy(null);
    }
  }

  async function abandon() {
    if (!importId) return;
    setBusy("abandoning");
    setError(null);
    try {
      await apiJson(`/api/image-sets/${setId}/imports/${importId}`, { method: "DELETE" });
      reset();
      setDone("Import discarded: nothing was added to the set.");
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Could not discard the import.");
    } finally {
      setBusy(null);
    }
  }

  const uploading = busy === "uploading" || pendingBatches > 0;
  const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.min(100, Math.round((part / whole) * 100)));

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end gap-4">
        <div className="space-y-1">
          <label htmlFor="target-size" className="block text-sm font-medium text-zinc-800">
            Size of the stored images
          </label>
          <select
            id="target-size"
            className="block rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500 disabled:bg-zinc-100"
            value={targetSize ?? ""}
            disabled={importId !== null}
            onChange={(event) => setTargetSize(event.target.value ? Number(event.target.value) : null)}
          >
            <option value="">Keep each image&apos;s size</option>
            {TARGET_SIZES.map((size) => (
              <option key={size} value={size}>
                {size} × {size} px (crop to square)
              </option>
            ))}
          </select>
        </div>
        <p className="max-w-md text-xs text-zinc-500">
          Fixed for the whole import. Real and generated sets of one study should share one size. Images are stored as PNG
          without metadata.
        </p>
      </div>

      <div
        data-testid="drop-zone"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          filesFromDrop(event.dataTransfer).then(addFiles, () => setError("Could not read the dropped files."));
        }}
        className={`rounded-xl border-2 border-dashed px-6 py-10 text-center transition-colors ${dragging ? "border-indigo-500 bg-indigo-50" : "border-zinc-300 bg-zinc-50"}`}
      >
        <p className="font-medium text-zinc-900">Drop images, folders or a ZIP here</p>
        <p className="mt-1 text-sm text-zinc-600">
          JPEG, PNG or WebP, up to {formatBytes(INGEST_LIMITS.maxImageBytes)} and {INGEST_LIMITS.minSide}–{INGEST_LIMITS.maxSide} px per side.
        </p>
        <div className="mt-4 flex justify-center gap-3">
          <Button type="button" variant="secondary" onClick={() => fileInput.current?.click()} disabled={busy === "committing"}>
            Choose files
          </Button>
          <Button type="button" variant="secondary" onClick={() => folderInput.current?.click()} disabled={busy === "committing"}>
            Choose a folder
          </Button>
        </div>
        <input
          ref={fileInput}
          type="file"
          multiple
          accept="image/jpeg,image/png,image/webp,.zip,application/zip"
          className="sr-only"
          tabIndex={-1}
          aria-label="Images or ZIP archives to upload"
          data-testid="file-input"
          onChange={(event) => {
            addFiles(Array.from(event.target.files ?? []));
            event.target.value = "";
          }}
        />
        <input
          ref={folderInput}
          type="file"
          multiple
          className="sr-only"
          tabIndex={-1}
          aria-label="A folder of images to upload"
          {...{ webkitdirectory: "" }}
          onChange={(event) => {
            addFiles(Array.from(event.target.files ?? []));
            event.target.value = "";
          }}
        />
      </div>

      <FormError message={error} />
      {done ? (
        <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {done}
        </p>
      ) : null}

      {progress.totalFiles > 0 ? (
        <div className="space-y-4" data-testid="upload-progress">
          <div className="space-y-1">
            <div className="flex justify-between text-sm">
              <label htmlFor="bytes-progress" className="text-zinc-700">
                Sent
              </label>
              <span className="tabular-nums text-zinc-600">
                {formatBytes(progress.sentBytes)} of {formatBytes(progress.totalBytes)}
              </span>
            </div>
            <progress id="bytes-progress" className={PROGRESS_CLASS} max={100} value={percent(progress.sentBytes, progress.totalBytes)} />
          </div>
          <div className="space-y-1">
            <div className="flex justify-between text-sm">
              <label htmlFor="files-progress" className="text-zinc-700">
                Processed
              </label>
              <span className="tabular-nums text-zinc-600" data-testid="files-processed">
                {progress.processedFiles} of {progress.totalFiles} files
              </span>
            </div>
            <progress id="files-progress" className={PROGRESS_CLASS} max={progress.totalFiles} value={progress.processedFiles} />
          </div>
          <p className="text-sm text-zinc-700" aria-live="polite" data-testid="import-summary">
            {uploading ? "Uploading… " : null}
            <strong>{accepted}</strong> accepted · <strong>{rejected.length}</strong> rejected
          </p>
          {rejected.length > 0 ? (
            <div>
              <h3 className="text-sm font-semibold text-zinc-900">Rejected files</h3>
              <ul aria-label="Rejected files" aria-live="polite" className="mt-2 max-h-64 divide-y divide-zinc-100 overflow-y-auto rounded-md border border-zinc-200 text-sm">
                {rejected.map((result, index) => (
                  <li key={`${result.file}-${index}`} className="flex flex-col gap-0.5 px-3 py-2 sm:flex-row sm:gap-3">
                    <span className="font-mono text-xs break-all text-zinc-900 sm:w-1/3">{result.file}</span>
                    <span className="text-red-700 sm:flex-1">{result.reason}</span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <div className="flex flex-wrap gap-3">
            <Button type="button" onClick={commit} disabled={uploading || busy !== null || accepted === 0}>
              {busy === "committing" ? "Adding…" : `Add ${accepted} image${accepted === 1 ? "" : "s"} to the set`}
            </Button>
            <Button type="button" variant="ghost" onClick={abandon} disabled={uploading || busy !== null || importId === null}>
              Discard this import
            </Button>
          </div>
          {accepted === 0 && !uploading ? <p className="text-xs text-zinc-500">Nothing accepted yet: add valid images to enable the commit.</p> : null}
        </div>
      ) : null}
    </div>
  );
}
