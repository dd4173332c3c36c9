/** Messages between the metrics page and its Web Worker (structured-cloned; buffers transferred). */
import type { ResizeMethod } from "@/lib/metrics/resize";
import type { ArmMetrics } from "./pipeline";

export interface CachedModel {
  hash: string;
  name: string;
  bytes: number;
}

export interface RunSettings {
  resize: ResizeMethod;
  batchSize: number;
  maxImages: number;
  featureCap: number;
}

export interface RunSet {
  role: "reference" | "arm";
  armId: string | null;
  imageSetId: string;
  label: string;
}

export type ToWorker =
  | { type: "list-models" }
  /** A new file: hashed, checked against the contract, cached, loaded. */
  | { type: "load-model"; bytes: ArrayBuffer; name: string }
  /** A model already in Cache Storage. */
  | { type: "use-model"; hash: string }
  | { type: "run"; studyId: string; sets: RunSet[]; settings: RunSettings }
  | { type: "cancel" };

export interface Progress {
  /** Index into the run's sets. */
  set: number;
  label: string;
  setDone: number;
  setTotal: number;
  done: number;
  total: number;
  imagesPerSecond: number;
  /** Seconds left for the whole run at the current rate; null before the first batch. */
  etaSeconds: number | null;
}

export interface SetDone {
  set: number;
  role: "reference" | "arm";
  armId: string | null;
  imageSetId: string;
  /** sha256 over the images' content hashes (from the server's list). */
  digest: string;
  images: number;
  featureRows: number;
  realImages: number;
  realFeatureRows: number;
  seconds: number;
  imagesPerSecond: number;
  /** True when the reference came from this browser's feature cache. */
  reused: boolean;
  /** encodeMoments bytes of this set. */
  statistics: ArrayBuffer;
  metrics: ArmMetrics | null;
}

export type FromWorker =
  | { type: "models"; models: CachedModel[] }
  | { type: "model"; hash: string; name: string; bytes: number; backend: string; fixedBatch: number | null }
  | { type: "progress"; progress: Progress }
  | { type: "set-done"; result: SetDone }
  | { type: "done"; seconds: number }
  | { type: "cancelled" }
  /** `worker`: the worker script itself failed to load or crashed (sent by the client, not the worker). */
  | { type: "error"; message: string; during: "model" | "run" | "worker" };
