import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import sharp from "sharp";
import { createRng, shuffled } from "@/lib/hype";
import { averageRanks } from "@/lib/metrics/spearman";

/**
 * The label-leak audit's instruments: turn what an annotator's browser receives before answering
 * into numbers, then ask whether those numbers tell real from generated (a classifier scored on
 * held-out sessions, and one rank test per feature with Holm's correction).
 */

export type Label = "real" | "generated";

/** One HTTP response as the browser sees it. */
export type Received = { status: number; headers: Record<string, string>; body: Buffer };

/** Everything that reached the browser for one trial before its answer. */
export type TrialReceipt = {
  label: Label;
  /** Trials of one session are not independent: train/test splits keep sessions whole. */
  session: number;
  next: Received;
  stimulusUrl: string;
  stimulus: Received;
  masks: Received[];
  /** Server time for the stimulus request (ms). Noisy: reported, kept out of the hard verdict. */
  stimulusMs: number;
};

export type Features = Record<string, number>;
export type Observation = { label: Label; session: number; features: Features };

/** A categorical value as a number in [0, 1): equal strings map to equal numbers. */
export function category(value: string | undefined): number {
  if (value === undefined) return -1;
  return createHash("sha256").update(value).digest().readUInt32BE(0) / 2 ** 32;
}

function headerFeatures(prefix: string, response: Received): Features {
  const names = Object.keys(response.headers).sort();
  const features: Features = {
    [`${prefix}.status`]: response.status,
    [`${prefix}.headerNames`]: category(names.join(",")),
    [`${prefix}.headerCount`]: names.length,
  };
  for (const name of names) {
    const value = response.headers[name]!;
    features[`${prefix}.header.${name}`] = /^\d+$/.test(value) ? Number(value) : category(value);
  }
  for (const name of ["etag", "last-modified", "set-cookie", "content-disposition", "expires", "age"]) {
    features[`${prefix}.has.${name}`] = name in response.headers ? 1 : 0;
  }
  return features;
}

type PngChunk = { type: string; length: number };

function pngChunks(bytes: Buffer): PngChunk[] | null {
  if (bytes.length < 8 || bytes.readUInt32BE(0) !== 0x89504e47) return null;
  const chunks: PngChunk[] = [];
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    chunks.push({ type: bytes.toString("latin1", at + 4, at + 8), length });
    at += 12 + length;
  }
  return chunks;
}

const CRITICAL_OR_PADDING = new Set(["IHDR", "PLTE", "IDAT", "IEND", "ppAd"]);

/**
 * What the image bytes say besides their pixels: container, size, dimensions, metadata, chunk
 * layout, a hash prefix. `pixelDerived` are functions of the pixels alone (any decoder can recompute
 * them from what the annotator is meant to see); they are reported separately.
 */
export async function imageFeatures(prefix: string, bytes: Buffer): Promise<{ channel: Features; pixelDerived: Features }> {
  const metadata = await sharp(bytes).metadata();
  const chunks = pngChunks(bytes) ?? [];
  const ancillary = chunks.filter((chunk) => !CRITICAL_OR_PADDING.has(chunk.type));
  const channel: Features = {
    [`${prefix}.bytes`]: bytes.length,
    [`${prefix}.signature`]: category(bytes.subarray(0, 8).toString("hex")),
    [`${prefix}.format`]: category(metadata.format),
    [`${prefix}.width`]: metadata.width ?? 0,
    [`${prefix}.height`]: metadata.height ?? 0,
    [`${prefix}.channels`]: metadata.channels ?? 0,
    [`${prefix}.depth`]: category(metadata.depth),
    [`${prefix}.space`]: category(metadata.space),
    [`${prefix}.density`]: metadata.density ?? 0,
    [`${prefix}.progressive`]: metadata.isProgressive ? 1 : 0,
    [`${prefix}.exif`]: metadata.exif?.length ?? 0,
    [`${prefix}.icc`]: metadata.icc?.length ?? 0,
    [`${prefix}.xmp`]: metadata.xmp?.length ?? 0,
    [`${prefix}.chunkLayout`]: category(chunks.map((chunk) => chunk.type).join(",")),
    [`${prefix}.ancillaryChunks`]: ancillary.length,
    [`${prefix}.ancillaryBytes`]: ancillary.reduce((sum, chunk) => sum + chunk.length, 0),
    [`${prefix}.hashPrefix`]: createHash("sha256").update(bytes).digest().readUInt8(0),
  };
  const idat = chunks.filter((chunk) => chunk.type === "IDAT").reduce((sum, chunk) => sum + chunk.length, 0);
  const pixelDerived: Features = {
    [`${prefix}.idatBytes`]: idat,
    [`${prefix}.paddingBytes`]: chunks.find((chunk) => chunk.type === "ppAd")?.length ?? 0,
    [`${prefix}.gzipRatio`]: gzipSync(bytes).length / bytes.length,
  };
  return { channel, pixelDerived };
}

function jsonFeatures(prefix: string, body: Buffer): Features {
  const text = body.toString("utf8");
  const features: Features = { [`${prefix}.jsonBytes`]: body.length };
  const walk = (value: unknown, path: string) => {
    if (typeof value === "number") features[`${prefix}.${path}`] = value;
    else if (typeof value === "boolean") features[`${prefix}.${path}`] = value ? 1 : 0;
    else if (typeof value === "string") {
      features[`${prefix}.${path}.length`] = value.length;
      // URLs carry random tokens: their shape counts, their random characters do not.
      features[`${prefix}.${path}.shape`] = category(value.replace(/[A-Za-z0-9_-]{20,}/g, (token) => `<${token.length}>`));
    } else if (Array.isArray(value)) {
      features[`${prefix}.${path}.count`] = value.length;
      value.forEach((item, index) => walk(item, `${path}[${Math.min(index, 1)}]`));
    } else if (value && typeof value === "object") {
      features[`${prefix}.${path}.keys`] = category(Object.keys(value).sort().join(","));
      for (const [key, item] of Object.entries(value)) walk(item, path ? `${path}.${key}` : key);
    } else if (value === null) features[`${prefix}.${path}.null`] = 1;
  };
  walk(JSON.parse(text), "");
  return features;
}

export type TrialFeatures = { channel: Features; pixelDerived: Features; timing: Features };

/** The feature vector of one trial, split by what kind of evidence each feature is. */
export async function trialFeatures(receipt: TrialReceipt): Promise<TrialFeatures> {
  const token = receipt.stimulusUrl.split("/").pop()!;
  const stimulusImage = await imageFeatures("stimulus", receipt.stimulus.body);
  const channel: Features = {
    ...headerFeatures("next", receipt.next),
    ...jsonFeatures("next", receipt.next.body),
    "url.length": receipt.stimulusUrl.length,
    "url.tokenLength": token.length,
    "url.tokenIsBase64url": /^[A-Za-z0-9_-]+$/.test(token) ? 1 : 0,
    ...headerFeatures("stimulus", receipt.stimulus),
    ...stimulusImage.channel,
    "masks.count": receipt.masks.length,
    "masks.bytes": receipt.masks.reduce((sum, mask) => sum + mask.body.length, 0),
    "masks.headers": category(receipt.masks.map((mask) => JSON.stringify(mask.headers)).join("|")),
  };
  return { channel, pixelDerived: stimulusImage.pixelDerived, timing: { "stimulus.serverMs": receipt.stimulusMs } };
}

// ─── Statistics ────────────────────────────────────────────────────────────────

/** Complementary error function (Numerical Recipes' erfcc, relative error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** Two-sided p of a standard normal statistic. */
export function normalTwoSided(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

/** z such that P(Z > z) = p, by bisection on erfc (enough for test bounds). */
export function normalQuantileUpper(p: number): number {
  let [low, high] = [0, 40];
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2;
    if (erfc(mid / Math.SQRT2) / 2 > p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/**
 * Mann–Whitney U (normal approximation with the tie correction): does the feature's distribution
 * differ between the labels? AUC = P(real > generated) + ½ P(tie); 0.5 = no information.
 */
export function mannWhitney(real: readonly number[], generated: readonly number[]): { auc: number; p: number } {
  const [n1, n2] = [real.length, generated.length];
  const ranks = averageRanks([...real, ...generated]);
  let rankSum = 0;
  for (let i = 0; i < n1; i++) rankSum += ranks[i]!;
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const tieCounts = new Map<number, number>();
  for (const value of [...real, ...generated]) tieCounts.set(value, (tieCounts.get(value) ?? 0) + 1);
  let tieTerm = 0;
  for (const count of tieCounts.values()) tieTerm += count ** 3 - count;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const auc = u / (n1 * n2);
  if (variance <= 0) return { auc, p: 1 };
  return { auc, p: normalTwoSided((u - (n1 * n2) / 2) / Math.sqrt(variance)) };
}

/** Holm's step-down adjustment: controls the family-wise error rate over all features. */
export function holm(pValues: readonly number[]): number[] {
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(pValues.length);
  let running = 0;
  order.forEach(({ p, index }, rank) => {
    running = Math.max(running, Math.min(1, (pValues.length - rank) * p));
    adjusted[index] = running;
  });
  return adjusted;
}

/**
 * Nearest-centroid classifier on z-scored features, trained on half of the sessions (chosen from
 * the seed) and scored on the other half. Whole sessions on each side, so that nothing a session
 * shares across its trials can pass for a label signal.
 */
export function heldOutAccuracy(observations: readonly Observation[], names: readonly string[], seed: number): { correct: number; n: number } {
  const sessions = [...new Set(observations.map((observation) => observation.session))].sort((a, b) => a - b);
  const trainSessions = new Set(shuffled(sessions, createRng(seed)).slice(0, Math.floor(sessions.length / 2)));
  const train = observations.filter((observation) => trainSessions.has(observation.session));
  const test = observations.filter((observation) => !trainSessions.has(observation.session));
  const vector = (observation: Observation) => names.map((name) => observation.features[name] ?? 0);
  const columns = names.map((_, j) => train.map((observation) => vector(observation)[j]!));
  const means = columns.map((column) => column.reduce((sum, value) => sum + value, 0) / column.length);
  const sds = columns.map((column, j) => Math.sqrt(column.reduce((sum, value) => sum + (value - means[j]!) ** 2, 0) / column.length));
  const used = names.map((_, j) => j).filter((j) => sds[j]! > 0);
  const scaled = (observation: Observation) => {
    const raw = vector(observation);
    return used.map((j) => (raw[j]! - means[j]!) / sds[j]!);
  };
  const centroid = (label: Label) => {
    const rows = train.filter((observation) => observation.label === label).map(scaled);
    return used.map((_, k) => rows.reduce((sum, row) => sum + row[k]!, 0) / Math.max(1, rows.length));
  };
  const centroids = { real: centroid("real"), generated: centroid("generated") };
  const distance = (row: number[], to: number[]) => row.reduce((sum, value, k) => sum + (value - to[k]!) ** 2, 0);
  let correct = 0;
  for (const observation of test) {
    const row = scaled(observation);
    const [toReal, toGenerated] = [distance(row, centroids.real), distance(row, centroids.generated)];
    // A tie (nothing to tell them apart) is a coin the seed cannot bias: it counts as half right.
    correct += toReal === toGenerated ? 0.5 : (toReal < toGenerated ? "real" : "generated") === observation.label ? 1 : 0;
  }
  return { correct, n: test.length };
}

/** The interval that holds a chance classifier's accuracy on n trials with probability 1 − α. */
export function chanceInterval(n: number, alpha: number): [number, number] {
  const half = normalQuantileUpper(alpha / 2) * Math.sqrt(0.25 / n) + 0.5 / n; // continuity correction
  return [0.5 - half, 0.5 + half];
}

export type FeatureTest = { name: string; auc: number; p: number; pHolm: number };

/** Every non-constant feature's rank test between the labels, Holm-adjusted over the family. */
export function featureTests(observations: readonly Observation[], names: readonly string[]): FeatureTest[] {
  const tests = names.map((name) => {
    const values = (label: Label) => observations.filter((observation) => observation.label === label).map((observation) => observation.features[name] ?? 0);
    return { name, ...mannWhitney(values("real"), values("generated")) };
  });
  const adjusted = holm(tests.map((test) => test.p));
  return tests.map((test, index) => ({ ...test, pHolm: adjusted[index]! })).sort((a, b) => a.p - b.p);
}

export type AuditVerdict = { accuracy: number; n: number; chance: [number, number]; leaking: FeatureTest[]; strongest: FeatureTest[] };

/** The audit's question for one feature family: at chance, and no feature significant after Holm? */
export function auditFeatures(observations: readonly Observation[], seed: number, alpha: number): AuditVerdict {
  const names = [...new Set(observations.flatMap((observation) => Object.keys(observation.features)))].sort();
  const { correct, n } = heldOutAccuracy(observations, names, seed);
  const tests = featureTests(observations, names);
  return { accuracy: correct / n, n, chance: chanceInterval(n, alpha), leaking: tests.filter((test) => test.pHolm < alpha), strongest: tests.slice(0, 3) };
}
