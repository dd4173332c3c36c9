/**
 * Cache Storage for the worker: ONNX models keyed by their sha256, and a set's features keyed by
 * (model hash, image set, resize, cap, image digest), so the real set is computed once per model
 * and settings and reused by every arm and every later run. Browser-only.
 */
import { decodeMoments, encodeMoments } from "@/lib/metrics/moments-codec";
import type { StreamingMoments } from "@/lib/metrics/moments";
import { FEATURE_DIM, LOGITS_DIM } from "@/lib/metrics/onnx-contract";
import type { CachedModel } from "./protocol";

const MODELS = "percept-onnx-models-v1";
const FEATURES = "percept-features-v1";

function modelKey(hash: string): string {
  return new URL(`/__percept/models/${hash}`, self.location.origin).toString();
}

export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function listModels(): Promise<CachedModel[]> {
  if (typeof caches === "undefined") return [];
  const cache = await caches.open(MODELS);
  const out: CachedModel[] = [];
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    if (!response) continue;
    out.push({
      hash: request.url.split("/").pop()!,
      name: decodeURIComponent(response.headers.get("x-model-name") ?? "model.onnx"),
      bytes: Number(response.headers.get("content-length") ?? 0),
    });
  }
  return out;
}

export async function putModel(hash: string, name: string, bytes: ArrayBuffer): Promise<void> {
  if (typeof caches === "undefined") return;
  const cache = await caches.open(MODELS);
  await cache.put(modelKey(hash), new Response(bytes, { headers: { "content-type": "application/octet-stream", "content-length": String(bytes.byteLength), "x-model-name": encodeURIComponent(name) } }));
}

export async function getModel(hash: string): Promise<{ bytes: ArrayBuffer; name: string } | null> {
  if (typeof caches === "undefined") return null;
  const response = await (await caches.open(MODELS)).match(modelKey(hash));
  if (!response) return null;
  return { bytes: await response.arrayBuffer(), name: decodeURIComponent(response.headers.get("x-model-name") ?? "model.onnx") };
}

export interface CachedFeatures {
  images: number;
  seconds: number;
  moments: StreamingMoments;
  features: Float32Array;
  logits: Float32Array;
  kept: number;
}

export function featureKey(parts: { modelHash: string; imageSetId: string; resize: string; featureCap: number; digest: string }): string {
  const path = [parts.modelHash, parts.imageSetId, parts.resize, String(parts.featureCap), parts.digest].map(encodeURIComponent).join("/");
  return new URL(`/__percept/features/${path}`, self.location.origin).toString();
}

/** Layout: u32 header length, JSON header, moments bytes, features f32, logits f32 (all LE). */
export async function putFeatures(key: string, entry: CachedFeatures): Promise<void> {
  if (typeof caches === "undefined") return;
  const moments = encodeMoments(entry.moments);
  const features = entry.features.slice(0, entry.kept * FEATURE_DIM);
  const logits = entry.logits.slice(0, entry.kept * LOGITS_DIM);
  const header = new TextEncoder().encode(JSON.stringify({ images: entry.images, seconds: entry.seconds, kept: entry.kept, moments: moments.length }));
  const pad = (4 - ((4 + header.length + moments.length) % 4)) % 4;
  const size = new Uint8Array(4);
  new DataView(size.buffer).setUint32(0, header.length + pad, true);
  const spaces = new Uint8Array(pad).fill(0x20);
  const blob = new Blob([size, header, spaces, moments as BlobPart, features as BlobPart, logits as BlobPart]);
  await (await caches.open(FEATURES)).put(key, new Response(blob));
}

export async function getFeatures(key: string): Promise<CachedFeatures | null> {
  if (typeof caches === "undefined") return null;
  const response = await (await caches.open(FEATURES)).match(key);
  if (!response) return null;
  try {
    const bytes = new Uint8Array(await response.arrayBuffer());
    const headerLength = new DataView(bytes.buffer).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as { images: number; seconds: number; kept: number; moments: number };
    let offset = 4 + headerLength;
    const moments = decodeMoments(bytes.slice(offset, offset + header.moments));
    offset += header.moments;
    const features = new Float32Array(bytes.slice(offset, offset + header.kept * FEATURE_DIM * 4).buffer);
    offset += header.kept * FEATURE_DIM * 4;
    const logits = new Float32Array(bytes.slice(offset, offset + header.kept * LOGITS_DIM * 4).buffer);
    if (logits.length !== header.kept * LOGITS_DIM) return null;
    return { images: header.images, seconds: header.seconds, moments, features, logits, kept: header.kept };
  } catch {
    return null; // a damaged entry is recomputed
  }
}
