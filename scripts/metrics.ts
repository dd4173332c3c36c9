/**
 * Automatic metrics from feature files.
 *
 *   npx tsx scripts/metrics.ts --real real.npy --fake fake.npy [--logits logits.npy]
 *       [--seed N] [--kid-subsets N] [--kid-subset-size N]
 *
 * Inputs are 2-D float32/float64 .npy files (rows = samples; Inception pool3
 * features for --real/--fake, unbiased 1008-way logits for --logits).
 * Progress goes to stderr; the LAST stdout line is one JSON object:
 *   {fid, kid_mean, kid_std, kid_subset_size, precision, recall, density,
 *    coverage[, is_mean, is_std]}
 * Exit code 1 with a one-line "error: …" on stderr for bad input.
 */
import { readFileSync } from "node:fs";
import {
  type FeatureSet,
  StreamingMoments,
  featureSet,
  frechetDistance,
  inceptionScore,
  kernelInceptionDistance,
  parseNpy,
  precisionRecallDensityCoverage,
} from "../lib/metrics";

interface Args {
  real: string;
  fake: string;
  logits?: string;
  seed: number;
  kidSubsets: number;
  kidSubsetSize: number;
}

class UsageError extends Error {}

const USAGE =
  "usage: tsx scripts/metrics.ts --real real.npy --fake fake.npy [--logits logits.npy] [--seed N] [--kid-subsets N] [--kid-subset-size N]";

function parseArgs(argv: string[]): Args {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i] as string;
    if (!key.startsWith("--")) throw new UsageError(`unexpected argument ${key}\n${USAGE}`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${key} needs a value\n${USAGE}`);
    values.set(key.slice(2), value);
    i++;
  }
  const known = new Set(["real", "fake", "logits", "seed", "kid-subsets", "kid-subset-size"]);
  for (const k of values.keys()) if (!known.has(k)) throw new UsageError(`unknown option --${k}\n${USAGE}`);
  const real = values.get("real");
  const fake = values.get("fake");
  if (!real || !fake) throw new UsageError(`--real and --fake are required\n${USAGE}`);
  const int = (name: string, fallback: number, min: number): number => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${raw}`);
    return v;
  };
  return {
    real,
    fake,
    logits: values.get("logits"),
    seed: int("seed", 2020, 0),
    kidSubsets: int("kid-subsets", 100, 1),
    kidSubsetSize: int("kid-subset-size", 1000, 2),
  };
}

function log(msg: string): void {
  process.stderr.write(`[metrics] ${msg}\n`);
}

function load(path: string, what: string): FeatureSet {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === "ENOENT" ? `${what} file not found: ${path}` : `cannot read ${what} file ${path}: ${(e as Error).message}`);
  }
  try {
    const m = parseNpy(bytes);
    log(`${what}: ${m.rows}×${m.cols} ${m.dtype} from ${path}`);
    return featureSet(m.data, m.rows, m.cols);
  } catch (e) {
    throw new UsageError(`${what} file ${path}: ${(e as Error).message}`);
  }
}

function gaussian(set: FeatureSet, what: string) {
  const moments = new StreamingMoments(set.dim);
  const batch = 500;
  for (let r = 0; r < set.rows; r += batch) {
    const n = Math.min(batch, set.rows - r);
    moments.update(set.data.subarray(r * set.dim, (r + n) * set.dim), n);
  }
  log(`${what}: mean/covariance over ${moments.count} samples`);
  return { mean: moments.mean(), cov: moments.covariance() };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const real = load(args.real, "real");
  const fake = load(args.fake, "fake");
  if (real.dim !== fake.dim) throw new UsageError(`feature dimensions differ: real has ${real.dim}, fake has ${fake.dim}`);
  // PRDC needs k+1 = 6 samples; FID/KID need 2. Check once, up front.
  const minRows = 6;
  for (const [what, s] of [["real", real], ["fake", fake]] as const) {
    if (s.rows < minRows) throw new UsageError(`${what} set too small: ${s.rows} samples, need at least ${minRows}`);
  }
  const logits = args.logits ? load(args.logits, "logits") : undefined;
  if (logits && logits.rows < 10) throw new UsageError(`logits set too small: ${logits.rows} samples, need at least 10 for 10 splits`);

  let t = performance.now();
  const lap = () => {
    const now = performance.now();
    const s = ((now - t) / 1000).toFixed(2);
    t = now;
    return `${s}s`;
  };
  const fid = frechetDistance(gaussian(real, "real"), gaussian(fake, "fake"));
  log(`FID ${fid.fid} (rank Σ_real ${fid.rank1}${fid.offsetApplied ? ", eps offset applied" : ""}) ${lap()}`);
  const kid = kernelInceptionDistance(real, fake, { subsets: args.kidSubsets, subsetSize: args.kidSubsetSize, seed: args.seed });
  log(`KID ${kid.mean} ± ${kid.std} (${kid.subsets} subsets of ${kid.subsetSize}) ${lap()}`);
  const prdc = precisionRecallDensityCoverage(real, fake);
  log(`precision ${prdc.precision} recall ${prdc.recall} density ${prdc.density} coverage ${prdc.coverage} ${lap()}`);
  const result: Record<string, number> = {
    fid: fid.fid,
    kid_mean: kid.mean,
    kid_std: kid.std,
    kid_subset_size: kid.subsetSize,
    precision: prdc.precision,
    recall: prdc.recall,
    density: prdc.density,
    coverage: prdc.coverage,
  };
  if (logits) {
    const is = inceptionScore(logits, 10);
    log(`IS ${is.mean} ± ${is.std} ${lap()}`);
    result.is_mean = is.mean;
    result.is_std = is.std;
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  if (!(e instanceof UsageError)) process.stderr.write(`${(e as Error).stack ?? ""}\n`);
  process.exit(1);
}
