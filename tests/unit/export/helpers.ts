import { HYPE_INF_BLOCKS, scoreStudy, simulateArm, type BlockSpec, type TrialRow } from "@/lib/hype";
import type { ExportRow } from "@/lib/export/trial-rows";

/** An export row with plausible extra columns around a lib/hype row. */
export function exportRowOf(row: TrialRow, extra: Partial<ExportRow> = {}): ExportRow {
  const frames = row.exposure_ms === null ? null : Math.max(1, Math.round((row.exposure_ms * 60) / 1000));
  return {
    study: "study-1",
    arm: row.arm,
    evaluator: row.evaluator,
    protocol: row.protocol,
    block: row.block,
    trial: row.trial,
    label: row.label,
    answer: row.answer,
    correct: row.label === row.answer,
    exposure_ms: row.exposure_ms,
    requested_frames: frames,
    presented_frames: frames,
    measured_ms: frames === null ? 1500.25 : (frames * 1000) / 60,
    refresh_hz: 60,
    response_ms: 850,
    flags: [],
    image_hash: "ab".repeat(32),
    issued_at: "2026-01-02T03:04:05.006Z",
    answered_at: "2026-01-02T03:04:06.789Z",
    ...extra,
  };
}

const TIMED: BlockSpec[] = [
  { protocol: "hype_time", size: 30 },
  { protocol: "hype_time", size: 30 },
];

/** A small simulated study: two arms of HYPE_time, two of HYPE_∞, 12 evaluators each. */
export function simulatedStudy(): TrialRow[] {
  const population = (thresholdMeanMs: number) => ({ thresholdMeanMs, thresholdSdMs: 60, slopePerMs: 0.02, lapseRate: 0.02 });
  return [
    ...simulateArm({ arm: "StyleGAN, truncated", evaluators: 12, population: population(350), blocks: TIMED, seed: 1 }).rows,
    ...simulateArm({ arm: 'ProGAN "v2"', evaluators: 12, population: population(250), blocks: TIMED, seed: 2 }).rows,
    ...simulateArm({ arm: "BEGAN", evaluators: 12, population: population(200), blocks: HYPE_INF_BLOCKS, seed: 3 }).rows,
    ...simulateArm({ arm: "WGAN-GP", evaluators: 12, population: population(150), blocks: HYPE_INF_BLOCKS, seed: 4 }).rows,
  ];
}

/** scoreStudy on rows put in the reader's canonical order (evaluators sorted, rows kept in order). */
export function scoreCanonical(rows: readonly TrialRow[], seed: number, resamples: number) {
  const sorted = [...rows].sort((a, b) => (a.evaluator < b.evaluator ? -1 : a.evaluator > b.evaluator ? 1 : 0));
  return scoreStudy(sorted, { seed, resamples });
}
