/**
 * Spearman ρ (and p) of every (human score, automatic metric) pair over a list of arms, each pair
 * on the arms that have both values. Shared by the per-study and the pooled cross-reference. Pure.
 */
import { AUTOMATIC_METRICS, HUMAN_METRICS, type AutomaticMetric, type CorrelationCell, type HumanMetric } from "@/lib/metrics/service-schema";
import { spearman } from "@/lib/metrics/spearman";

export type ScoredArm = Record<HumanMetric | AutomaticMetric, number | null>;

export function correlateArms(rows: readonly ScoredArm[]): CorrelationCell[] {
  const cells: CorrelationCell[] = [];
  for (const human of HUMAN_METRICS) {
    for (const automatic of AUTOMATIC_METRICS) {
      const pairs = rows.filter((row) => row[human.key] !== null && row[automatic.key] !== null);
      const r = pairs.length >= 2 ? spearman(pairs.map((row) => row[human.key]!), pairs.map((row) => row[automatic.key]!)) : null;
      cells.push({ human: human.key, automatic: automatic.key, n: pairs.length, rho: r && Number.isFinite(r.rho) ? r.rho : null, p: r?.p ?? null });
    }
  }
  return cells;
}
