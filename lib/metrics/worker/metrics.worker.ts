/// <reference lib="webworker" />
/**
 * The metrics Web Worker: loads onnxruntime-web from the app's own origin (`/ort/`), runs the
 * user's ONNX feature extractor (WebGPU when the browser has an adapter, else WASM — multithreaded
 * when the page is cross-origin isolated), and streams every image of every set through
 * fetch → createImageBitmap → RGBA → resize to 299 → batch → model → StreamingMoments (+ capped
 * features/logits for KID, PRDC and IS). The reference set is computed once per run and cached in
 * Cache Storage for later runs. Progress, per-set results and errors go back as messages.
 */
import { encodeMoments } from "@/lib/metrics/moments-codec";
import { assertInceptionContract, FEATURE_DIM, INPUT_SIZE } from "@/lib/metrics/onnx-contract";
import { resizeToPlanar } from "@/lib/metrics/resize";
import type { MetricImageList } from "@/lib/metrics/service-schema";
import { featureKey, getFeatures, getModel, listModels, putFeatures, putModel, sha256Hex } from "./feature-cache";
import { evaluateArm, FeatureAccumulator, PLANE, rowsAsFeatureSet, runBatch, type OrtLike, type SessionLike } from "./pipeline";
import type { FromWorker, RunSet, RunSettings, SetDone, ToWorker } from "./protocol";

declare const self: DedicatedWorkerGlobalScope;

type Ort = typeof import("onnxruntime-web");
interface Loaded {
  ort: Ort;
  session: Awaited<ReturnType<Ort["InferenceSession"]["create"]>>;
  hash: string;
  backend: string;
  fixedBatch: number | null;
}

let loaded: Loaded | null = null;
let cancelRequested = false;
let running = false;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

class Cancelled extends Error {}

function threads(): number {
  return self.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
}

async function webgpuAvailable(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}

function configure(ort: Ort): void {
  ort.env.wasm.wasmPaths = new URL("/ort/", self.location.origin).toString();
  ort.env.wasm.numThreads = threads();
  ort.env.wasm.proxy = false;
  ort.env.logLevel = "error";
}

/** WebGPU first when present (falling back on any failure), else WASM. */
async function createSession(bytes: Uint8Array): Promise<Omit<Loaded, "hash" | "fixedBatch">> {
  if (await webgpuAvailable()) {
    try {
      const ort = (await import("onnxruntime-web/webgpu")) as Ort;
      configure(ort);
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ["webgpu", "wasm"], graphOptimizationLevel: "all" });
      return { ort, session, backend: "webgpu" };
    } catch (error) {
      console.warn("[metrics] WebGPU session failed, using WASM:", error);
    }
  }
  const ort = (await import("onnxruntime-web/wasm")) as Ort;
  configure(ort);
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
  const n = ort.env.wasm.numThreads ?? 1;
  return { ort, session, backend: `wasm (${n} thread${n === 1 ? "" : "s"})` };
}

async function loadModel(bytes: ArrayBuffer, name: string, alreadyCached: boolean): Promise<void> {
  const check = assertInceptionContract(bytes);
  const hash = await sha256Hex(bytes);
  if (loaded?.hash === hash) {
    post({ type: "model", hash, name, bytes: bytes.byteLength, backend: loaded.backend, fixedBatch: loaded.fixedBatch });
    return;
  }
  await loaded?.session.release();
  loaded = null;
  const created = await createSession(new Uint8Array(bytes));
  loaded = { ...created, hash, fixedBatch: check.fixedBatch };
  if (!alreadyCached) await putModel(hash, name, bytes);
  post({ type: "model", hash, name, bytes: bytes.byteLength, backend: loaded.backend, fixedBatch: loaded.fixedBatch });
}

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      message = ((await response.json()) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // keep the status line
    }
    throw new Error(`${url}: ${message}`);
  }
  return (await response.json()) as T;
}

/** Decodes one image to RGBA pixels at its own size (no colour-space conversion, like PIL). */
async function decode(url: string): Promise<{ data: Uint8ClampedArray; width: number; height: number }> {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`image ${url}: ${response.status} ${response.statusText}`);
  const bitmap = await createImageBitmap(await response.blob(), { colorSpaceConversion: "none", premultiplyAlpha: "none" });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext("2d", { willReadFrequently: true });
    if (!context) throw new Error("no 2D context in the worker");
    context.drawImage(bitmap, 0, 0);
    const image = context.getImageData(0, 0, bitmap.width, bitmap.height);
    return { data: image.data, width: image.width, height: image.height };
  } finally {
    bitmap.close();
  }
}

interface RunClock {
  started: number;
  done: number;
  total: number;
}

/** Extracts one set's features, prefetching and decoding a few images ahead of the model. */
async function extract(list: MetricImageList, index: number, set: RunSet, settings: RunSettings, clock: RunClock): Promise<{ acc: FeatureAccumulator; seconds: number }> {
  const model = loaded!;
  const batchSize = model.fixedBatch ?? settings.batchSize;
  const acc = new FeatureAccumulator(Math.min(settings.featureCap, list.images.length));
  const batch = new Float32Array(batchSize * PLANE);
  const started = performance.now();
  const AHEAD = Math.max(4, batchSize * 2);
  const pending: Promise<Awaited<ReturnType<typeof decode>>>[] = [];
  let next = 0;
  const fill = () => {
    while (next < list.images.length && pending.length < AHEAD) pending.push(decode(list.images[next++]!.url));
  };
  let setDone = 0;
  while (setDone < list.images.length) {
    let rows = 0;
    while (rows < batchSize && setDone + rows < list.images.length) {
      fill();
      const pixels = await pending.shift()!;
      if (cancelRequested) throw new Cancelled();
      resizeToPlanar({ ...pixels, channels: 4 }, INPUT_SIZE, settings.resize, batch, rows * PLANE);
      rows++;
    }
    fill();
    const out = await runBatch(model.ort as unknown as OrtLike, model.session as unknown as SessionLike, batch, rows, model.fixedBatch);
    acc.add(out.pool3, out.logits, rows);
    setDone += rows;
    clock.done += rows;
    if (cancelRequested) throw new Cancelled();
    const elapsed = (performance.now() - clock.started) / 1000;
    const rate = clock.done / Math.max(elapsed, 1e-3);
    post({
      type: "progress",
      progress: { set: index, label: set.label, setDone, setTotal: list.images.length, done: clock.done, total: clock.total, imagesPerSecond: rate, etaSeconds: (clock.total - clock.done) / rate },
    });
  }
  // Let already-started fetches settle quietly.
  await Promise.allSettled(pending);
  return { acc, seconds: (performance.now() - started) / 1000 };
}

async function run(studyId: string, sets: RunSet[], settings: RunSettings): Promise<void> {
  if (!loaded) throw new Error("Load an ONNX model first.");
  const model = loaded;
  const runStarted = performance.now();
  const lists = await Promise.all(
    sets.map((set) => fetchJson<MetricImageList>(`/api/studies/${encodeURIComponent(studyId)}/metrics/images?set=${encodeURIComponent(set.imageSetId)}&max=${settings.maxImages}`)),
  );
  const referenceIndex = sets.findIndex((set) => set.role === "reference");
  if (referenceIndex < 0) throw new Error("The run has no reference (real) set.");
  for (const [i, list] of lists.entries()) {
    if (list.images.length < 2) throw new Error(`"${sets[i]!.label}" has ${list.images.length} image(s); at least 2 are needed.`);
  }

  // The reference: from this browser's cache when the same model, settings and images were used.
  const refList = lists[referenceIndex]!;
  const refSet = sets[referenceIndex]!;
  const key = featureKey({ modelHash: model.hash, imageSetId: refSet.imageSetId, resize: settings.resize, featureCap: settings.featureCap, digest: refList.digest });
  const cached = await getFeatures(key);
  const clock: RunClock = { started: performance.now(), done: 0, total: lists.reduce((sum, list, i) => sum + (i === referenceIndex && cached ? 0 : list.images.length), 0) };

  let reference: { moments: FeatureAccumulator["moments"]; features: Float32Array; logits: Float32Array; kept: number; images: number; seconds: number };
  if (cached) {
    reference = cached;
  } else {
    const { acc, seconds } = await extract(refList, referenceIndex, refSet, settings, clock);
    reference = { moments: acc.moments, features: acc.features, logits: acc.logits, kept: acc.kept, images: acc.count, seconds };
    await putFeatures(key, reference);
  }
  const referenceData = {
    moments: reference.moments,
    features: rowsAsFeatureSet(reference.features, reference.kept, FEATURE_DIM),
  };
  const refDone: SetDone = {
    set: referenceIndex,
    role: "reference",
    armId: null,
    imageSetId: refSet.imageSetId,
    digest: refList.digest,
    images: reference.images,
    featureRows: reference.kept,
    realImages: reference.images,
    realFeatureRows: reference.kept,
    seconds: reference.seconds,
    imagesPerSecond: reference.images / Math.max(reference.seconds, 1e-6),
    reused: cached !== null,
    statistics: encodeMoments(reference.moments).buffer as ArrayBuffer,
    metrics: null,
  };
  post({ type: "set-done", result: refDone }, [refDone.statistics]);

  for (const [i, set] of sets.entries()) {
    if (i === referenceIndex) continue;
    const { acc, seconds } = await extract(lists[i]!, i, set, settings, clock);
    const metrics = evaluateArm(referenceData, { moments: acc.moments, features: acc.featureSet(), logits: acc.logitSet() });
    if (cancelRequested) throw new Cancelled();
    const done: SetDone = {
      set: i,
      role: "arm",
      armId: set.armId,
      imageSetId: set.imageSetId,
      digest: lists[i]!.digest,
      images: acc.count,
      featureRows: acc.kept,
      realImages: reference.images,
      realFeatureRows: reference.kept,
      seconds,
      imagesPerSecond: acc.count / Math.max(seconds, 1e-6),
      reused: false,
      statistics: encodeMoments(acc.moments).buffer as ArrayBuffer,
      metrics,
    };
    post({ type: "set-done", result: done }, [done.statistics]);
  }
  post({ type: "done", seconds: (performance.now() - runStarted) / 1000 });
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === "cancel") {
    if (running) cancelRequested = true;
    return;
  }
  void (async () => {
    try {
      if (message.type === "list-models") {
        post({ type: "models", models: await listModels() });
      } else if (message.type === "load-model") {
        await loadModel(message.bytes, message.name, false);
      } else if (message.type === "use-model") {
        const model = await getModel(message.hash);
        if (!model) throw new Error("That model is no longer in this browser's cache; choose the file again.");
        await loadModel(model.bytes, model.name, true);
      } else if (message.type === "run") {
        if (running) throw new Error("A run is already in progress.");
        running = true;
        cancelRequested = false;
        try {
          await run(message.studyId, message.sets, message.settings);
        } finally {
          running = false;
        }
      }
    } catch (error) {
      if (error instanceof Cancelled) {
        post({ type: "cancelled" });
        return;
      }
      post({ type: "error", message: error instanceof Error ? error.message : String(error), during: message.type === "run" ? "run" : "model" });
    }
  })();
};
