import { fmt, fmtInterval } from "@/components/results/format";
import type { StudyProgress } from "@/lib/studies/progress";

type Live = NonNullable<StudyProgress["live"]>;

const PROTOCOL = { hype_time: { name: "HYPE_time", unit: " ms", digits: 1 }, hype_inf: { name: "HYPE_∞", unit: "%", digits: 2 } } as const;

/** Current scores per arm and protocol with their CI, its width against the target, and stopped arms. */
export function LiveScores({ live }: { live: Live }) {
  const { settings } = live;
  return (
    <div className="space-y-2" data-testid="live-scores">
      <table className="w-full text-sm">
        <thead className="text-left text-xs uppercase tracking-wide text-zinc-500">
          <tr>
            <th className="py-1 font-medium">Arm</th>
            <th className="py-1 font-medium">Score (95% CI)</th>
            <th className="py-1 font-medium">CI width / target</th>
            <th className="py-1 font-medium">Evaluators</th>
            <th className="py-1 font-medium">Assignment</th>
          </tr>
        </thead>
        <tbody className="tabular-nums">
          {live.cells.map((cell) => {
            const p = PROTOCOL[cell.protocol];
            const unit = p.unit.trim();
            return (
              <tr key={`${cell.arm}|${cell.protocol}`} className="border-t border-zinc-100" data-testid="live-cell">
                <td className="py-1.5">
                  {cell.arm} <span className="text-zinc-500">{p.name}</span>
                </td>
                <td className="py-1.5">
                  {fmt(cell.score, p.digits)}
                  {p.unit} <span className="text-zinc-500">({fmtInterval(cell.ci, p.digits)})</span>
                </td>
                <td className={`py-1.5 ${cell.width < cell.target ? "text-emerald-700" : ""}`}>
                  {fmt(cell.width, p.digits)} / {fmt(cell.target, p.digits)} {unit}
                </td>
                <td className="py-1.5">{cell.evaluators}</td>
                <td className="py-1.5">
                  {cell.stopped ? (
                    <span className="font-medium text-amber-800" data-testid="arm-stopped">
                      stopped: CI width {fmt(cell.width, p.digits)} {unit} &lt; {fmt(cell.target, p.digits)} {unit}
                    </span>
                  ) : (
                    <span className="text-zinc-600">open</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="text-xs text-zinc-500">
        Live estimate from {live.answered} answers, {live.resamples.toLocaleString("en-US")} bootstrap resamples, with the study&apos;s exclusion rules; final
        numbers (10,000 resamples) on Results.{" "}
        {settings.stopWhenNarrower
          ? `An arm stops taking new evaluators once its CI is narrower than the target, with at least ${settings.minEvaluatorsToStop} evaluators scored.`
          : "Stopping on the CI width is off."}
      </p>
    </div>
  );
}
