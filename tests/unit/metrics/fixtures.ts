import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type FeatureSet, featureSet } from "@/lib/metrics/features";
import { parseNpy } from "@/lib/metrics/npy";

export const FIXTURE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../fixtures/metrics");

export function loadFeatures(name: string): FeatureSet {
  const m = parseNpy(readFileSync(path.join(FIXTURE_DIR, name)));
  return featureSet(m.data, m.rows, m.cols);
}

interface CaseExpected {
  fid: number;
  fid_rank_aware: number;
  rank_real: number;
  precision: number;
  recall: number;
  density: number;
  coverage: number;
  kid_first_subset: { size: number; mmd2: number };
  kid_full: { size: number; mmd2: number };
  mean_real_head: number[];
  cov_real_head: number[];
  real: { rows: number; dim: number };
  fake: { rows: number; dim: number };
}

export interface Expected {
  full: CaseExpected;
  rankdef: CaseExpected;
  inception_score: { rows: number; splits: number; mean: number; std: number; values: number[] };
}

export const expected: Expected = JSON.parse(readFileSync(path.join(FIXTURE_DIR, "expected.json"), "utf8")) as Expected;

export function relErr(actual: number, want: number): number {
  return Math.abs(actual - want) / Math.max(Math.abs(want), Number.MIN_VALUE);
}
