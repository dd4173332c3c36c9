"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useSyncExternalStore, type ChangeEvent, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { assertInceptionContract, OnnxContractError } from "@/lib/metrics/onnx-contract";
import { DEFAULT_RESIZE_METHOD, type ResizeMethod } from "@/lib/metrics/resize";
import type { CreateMetricRunInput } from "@/lib/metrics/service-schema";
import { MetricsClient } from "@/lib/metrics/worker/client";
import type { CachedModel, FromWorker, Progress, RunSet, RunSettings, SetDone } from "@/lib/metrics/worker/protocol";
import { fmt, fmtDuration, shortHash } from "./format";

export interface StoredReference {
  modelHash: string;
  imageSetId: string;
  digest: string;
  resize: string;
  featureCap: number;
}

interface LoadedModel {
  hash: string;
  name: string;
  bytes: number;
  backend: string;
  fixedBatch: number | null;
}

type Phase = "idle" | "loading-model" | "running" | "cancelling";

const MAX_MODEL_BYTES = 512 * 1024 * 1024;
const noSubscribe = () => () => {};

async function postRun(studyId: string, meta: CreateMetricRunInput, statistics: ArrayBuffer | null): Promise<void> {
  const form = new FormData();
  form.set("meta", JSON.stringify(meta));
  if (statistics) form.set("statistics", new Blob([statistics], { type: "application/octet-stream" }), "statistics.moments");
  const response = await fetch(`/api/studies/${encodeURIComponent(studyId)}/metrics`, { method: "POST", body: form });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `Saving the run failed (${response.status}).`);
  }
}

/**
 * Model upload (checked against the FID Inception contract before anything runs), settings, the
 * run with its progress bar and cancel, and saving each set's result as a MetricRun.
 */
export function MetricsWorkbench({ studyId, sets, storedReferences }: { studyId: string; sets: RunSet[]; storedReferences: StoredReference[] }) {
  const router = useRouter();
  const client = useRef<MetricsClient | null>(null);
  const [phase, setPhase] = useState<Phase>("idle");
  const [model, setModel] = useState<LoadedModel | null>(null);
  const [cached, setCached] = useState<CachedModel[]>([]);
  const [error, setError] = useState<string | null>(null);
  /** The worker itself failed (script blocked or crashed): nothing can run until a reload. */
  const [fatal, setFatal] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [finished, setFinished] = useState<SetDone[]>([]);
  const [resize, setResize] = useState<ResizeMethod>(DEFAULT_RESIZE_METHOD);
  const [batchSize, setBatchSize] = useState(8);
  const [maxImages, setMaxImages] = useState(10_000);
  const isolated = useSyncExternalStore(
    noSubscribe,
    () => window.crossOriginIsolated === true,
    () => null,
  );
  const settingsRef = useRef<RunSettings | null>(null);
  const saving = useRef<Promise<void>>(Promise.resolve());
  const storedRef = useRef(storedReferences);
  const latestModel = useRef<string | null>(null);
  const latestBackend = useRef<string | null>(null);

  const setsRef = useRef({ studyId, sets });
  useEffect(() => {
    storedRef.current = storedReferences;
    setsRef.current = { studyId, sets };
  }, [storedReferences, studyId, sets]);

  useEffect(() => {
    const onMessage = (message: FromWorker) => {
      switch (message.type) {
        case "models":
          setCached(message.models);
          break;
        case "model":
          setModel({ hash: message.hash, name: message.name, bytes: message.bytes, backend: message.backend, fixedBatch: message.fixedBatch });
          setPhase("idle");
          client.current?.send({ type: "list-models" });
          break;
        case "progress":
          setProgress(message.progress);
          break;
        case "set-done":
          setFinished((done) => [...done, message.result]);
          saving.current = saving.current.then(() => save(message.result)).catch((cause: unknown) => setError(cause instanceof Error ? cause.message : String(cause)));
          break;
        case "done":
          void saving.current.then(() => {
            setPhase("idle");
            setNotice(`Done in ${fmtDuration(message.seconds)}. The runs are saved; the tables below are up to date.`);
            router.refresh();
          });
          break;
        case "cancelled":
          setPhase("idle");
          setProgress(null);
          setNotice("Cancelled. Sets that had finished are saved; nothing else was stored.");
          break;
        case "error":
          setPhase("idle");
          if (message.during === "worker") setFatal(message.message);
          else setError(message.message);
          if (message.during === "run") void reportFailure(message.message);
          break;
      }
    };
    const save = async (result: SetDone) => {
      const settings = settingsRef.current!;
      const modelHash = latestModel.current!;
      const meta: CreateMetricRunInput = {
        modelHash,
        imageSetId: result.imageSetId,
        armId: result.armId,
        settings: { ...settings, backend: latestBackend.current ?? "unknown", imagesDigest: result.digest },
        results:
          result.role === "reference"
            ? { kind: "reference", images: result.images, seconds: result.seconds, imagesPerSecond: result.imagesPerSecond }
            : {
                kind: "arm",
                images: result.images,
                realImages: result.realImages,
                featureRows: result.featureRows,
                realFeatureRows: result.realFeatureRows,
                seconds: result.seconds,
                imagesPerSecond: result.imagesPerSecond,
                ...result.metrics!,
              },
        error: null,
      };
      if (result.role === "reference") {
        const known = storedRef.current.some(
          (r) => r.modelHash === modelHash && r.imageSetId === result.imageSetId && r.digest === result.digest && r.resize === settings.resize && r.featureCap === settings.featureCap,
        );
        if (known) return;
      }
      await postRun(setsRef.current.studyId, meta, result.statistics);
    };
    const reportFailure = async (message: string) => {
      const settings = settingsRef.current;
      const reference = setsRef.current.sets.find((set) => set.role === "reference");
      if (!settings || !latestModel.current || !reference) return;
      await postRun(
        setsRef.current.studyId,
        {
          modelHash: latestModel.current,
          imageSetId: reference.imageSetId,
          armId: null,
          settings: { ...settings, backend: latestBackend.current ?? "unknown", imagesDigest: "0".repeat(64) },
          results: null,
          error: message.slice(0, 2_000),
        },
        null,
      ).catch(() => undefined);
    };
    const instance = new MetricsClient(onMessage);
    client.current = instance;
    instance.send({ type: "list-models" });
    return () => instance.terminate();
    // One worker for the page's life: a refresh after a run must not drop the loaded model.
  }, [router]);

  useEffect(() => {
    latestModel.current = model?.hash ?? null;
    latestBackend.current = model?.backend ?? null;
  }, [model]);

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    setError(null);
    setNotice(null);
    if (!file) return;
    if (file.size > MAX_MODEL_BYTES) {
      setError(`${file.name} is ${Math.round(file.size / 1e6)} MB; the FID Inception is about 95 MB.`);
      return;
    }
    const bytes = await file.arrayBuffer();
    try {
      // Checked here too, so a wrong file is refused at once, before any runtime loads.
      assertInceptionContract(bytes);
    } catch (cause) {
      setModel(null);
      setError(`${file.name} was refused. ${cause instanceof OnnxContractError ? cause.message : String(cause)}`);
      event.target.value = "";
      return;
    }
    setPhase("loading-model");
    client.current?.send({ type: "load-model", bytes, name: file.name }, [bytes]);
  }

  function chooseCached(hash: string) {
    setError(null);
    setPhase("loading-model");
    client.current?.send({ type: "use-model", hash });
  }

  function run(event: FormEvent) {
    event.preventDefault();
    if (!model) return;
    setError(null);
    setNotice(null);
    setFinished([]);
    setProgress(null);
    const settings: RunSettings = { resize, batchSize: model.fixedBatch ?? batchSize, maxImages, featureCap: Math.min(maxImages, 5_000) };
    settingsRef.current = settings;
    setPhase("running");
    client.current?.send({ type: "run", studyId, sets, settings });
  }

  function cancel() {
    setPhase("cancelling");
    client.current?.cancel();
  }

  const busy = phase !== "idle";
  const percent = progress ? Math.round((100 * progress.done) / Math.max(progress.total, 1)) : 0;
  const byId = new Map(sets.map((set) => [set.imageSetId + (set.armId ?? ""), set.label]));

  return (
    <div className="space-y-6">
      <div className="space-y-3">
        <label className="block text-sm font-medium text-zinc-800" htmlFor="onnx-model">
          ONNX feature extractor (FID Inception: input <code>images</code> [N,3,299,299], outputs <code>pool3</code> [N,2048] and <code>logits</code> [N,1008])
        </label>
        <input
          id="onnx-model"
          type="file"
          accept=".onnx,application/octet-stream"
          onChange={(event) => void onFile(event)}
          disabled={busy || fatal !== null}
          className="block text-sm text-zinc-700 file:mr-3 file:rounded-md file:border-0 file:bg-zinc-100 file:px-3 file:py-2 file:text-sm file:font-medium"
        />
        {cached.length > 0 ? (
          <div className="flex flex-wrap items-center gap-2 text-sm text-zinc-600">
            <span>Cached in this browser:</span>
            {cached.map((entry) => (
              <Button key={entry.hash} type="button" variant="secondary" className="px-2 py-1 text-xs" disabled={busy || model?.hash === entry.hash} onClick={() => chooseCached(entry.hash)}>
                {entry.name} · {shortHash(entry.hash)}
              </Button>
            ))}
          </div>
        ) : null}
        {phase === "loading-model" ? <p className="text-sm text-zinc-600">Checking and loading the model…</p> : null}
        {model ? (
          <p className="text-sm text-emerald-700" data-testid="model-ready">
            Model ready: {model.name} ({fmt(model.bytes / 1e6, 1)} MB, sha256 {shortHash(model.hash)}…) on {model.backend}
            {model.fixedBatch ? `, fixed batch ${model.fixedBatch}` : ""}.
          </p>
        ) : null}
        {isolated === false ? (
          <p className="text-xs text-amber-700">This page is not cross-origin isolated: WebAssembly runs on one thread.</p>
        ) : null}
      </div>

      <form className="grid gap-4 sm:grid-cols-4" onSubmit={run}>
        <label className="text-sm">
          <span className="block font-medium text-zinc-800">Resize to 299</span>
          <select className="mt-1 w-full rounded-md border border-zinc-300 px-2 py-1.5" value={resize} onChange={(e) => setResize(e.target.value as ResizeMethod)} disabled={busy}>
            <option value="tf1-bilinear">TF1 bilinear (original FID)</option>
            <option value="pil-bicubic">PIL bicubic (clean-fid)</option>
          </select>
        </label>
        <label className="text-sm">
          <span className="block font-medium text-zinc-800">Batch size</span>
          <input className="mt-1 w-full rounded-md border border-zinc-300 px-2 py-1.5" type="number" min={1} max={64} value={model?.fixedBatch ?? batchSize} disabled={busy || Boolean(model?.fixedBatch)} onChange={(e) => setBatchSize(Math.max(1, Math.min(64, Number(e.target.value) || 1)))} />
        </label>
        <label className="text-sm">
          <span className="block font-medium text-zinc-800">Max images per set</span>
          <input className="mt-1 w-full rounded-md border border-zinc-300 px-2 py-1.5" type="number" min={2} max={100000} value={maxImages} disabled={busy} onChange={(e) => setMaxImages(Math.max(2, Math.min(100_000, Number(e.target.value) || 2)))} />
        </label>
        <div className="flex items-end gap-2">
          <Button type="submit" disabled={!model || busy || fatal !== null}>
            Compute metrics
          </Button>
          {phase === "running" || phase === "cancelling" ? (
            <Button type="button" variant="secondary" onClick={cancel} disabled={phase === "cancelling"}>
              Cancel
            </Button>
          ) : null}
        </div>
      </form>

      {fatal ? (
        <p role="alert" data-testid="metrics-fatal" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          The metrics worker could not run: {fatal} Reload the page; if it persists, the page&apos;s cross-origin isolation headers may be incomplete (docs/metrics-browser.md).
        </p>
      ) : null}
      {error ? (
        <p role="alert" data-testid="metrics-error" className="whitespace-pre-line rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      {notice ? <p className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">{notice}</p> : null}

      {phase === "running" || phase === "cancelling" || progress ? (
        <div className="space-y-2" data-testid="metrics-progress">
          <div
            role="progressbar"
            aria-label="Feature extraction"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            className="h-3 w-full overflow-hidden rounded-full bg-zinc-200"
          >
            <div className="h-full bg-indigo-600 transition-[width]" style={{ width: `${percent}%` }} />
          </div>
          <p className="text-sm text-zinc-600">
            {progress
              ? `${progress.label}: ${progress.setDone}/${progress.setTotal} · all sets ${progress.done}/${progress.total} images · ${fmt(progress.imagesPerSecond, 1)} images/s · ETA ${fmtDuration(progress.etaSeconds)}`
              : "Listing images and starting…"}
          </p>
        </div>
      ) : null}

      {finished.length > 0 ? (
        <ul className="space-y-1 text-sm text-zinc-700" data-testid="finished-sets">
          {finished.map((result) => (
            <li key={result.set}>
              {byId.get(result.imageSetId + (result.armId ?? ""))}: {result.images} images
              {result.reused ? " (reused from this browser's cache)" : ` in ${fmtDuration(result.seconds)}`}
              {result.metrics ? ` — FID ${fmt(result.metrics.fid, 2)}` : ""}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
