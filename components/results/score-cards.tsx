import type { ArmScores } from "@/lib/hype";
import type { ArmSummary } from "@/lib/studies/results";
import { fmtInterval, fmtMs, fmtPercent, fmtShare } from "./format";

function Stat({ label, value, detail, testId }: { label: string; value: string; detail: string[]; testId?: string }) {
  return (
    <div className="rounded-lg bg-zinc-50 p-4" data-testid={testId}>
      <p className="text-xs font-medium uppercase tracking-wide text-zinc-500">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums text-zinc-900">{value}</p>
      {detail.map((line) => (
        <p key={line} className="mt-0.5 text-xs tabular-nums text-zinc-600">
          {line}
        </p>
      ))}
    </div>
  );
}

/** One card per arm: HYPE_time (ms, 95% CI, bootstrap SD) and HYPE_∞ (% with fake/real error). */
export function ScoreCards({ arms, scores, confidence }: { arms: ArmSummary[]; scores: ArmScores[]; confidence: number }) {
  const level = `${Math.round(confidence * 100)}% CI`;
  return (
    <div className="grid gap-4 md:grid-cols-2" aria-label="Scores per arm">
      {arms.map((arm) => {
        const s = scores.find((a) => a.arm === arm.arm);
        const time = s?.hypeTime ?? null;
        const inf = s?.hypeInf ?? null;
        return (
          <section key={arm.arm} className="rounded-xl border border-zinc-200 bg-white p-5 shadow-sm" data-testid="score-card" aria-label={`Scores of ${arm.arm}`}>
            <div className="flex items-baseline justify-between">
              <h3 className="font-semibold text-zinc-900">{arm.arm}</h3>
              <p className="text-xs text-zinc-500">
                {arm.finished} finished · {arm.started} started · target {arm.targetEvaluators}
              </p>
            </div>
            <div className="mt-4 grid gap-3 sm:grid-cols-2">
              {time ? (
                <Stat
                  testId="hype-time"
                  label="HYPE_time"
                  value={fmtMs(time.score)}
                  detail={[
                    `${level} ${fmtInterval(time.ci, 1, " ms")}`,
                    `bootstrap SD ${fmtMs(time.bootstrapSd)}`,
                    `${time.evaluators} evaluator${time.evaluators === 1 ? "" : "s"} · staircase accuracy ${fmtShare(time.accuracy)}`,
                  ]}
                />
              ) : (
                <Stat label="HYPE_time" value="—" detail={["no timed answers yet"]} />
              )}
              {inf ? (
                <Stat
                  testId="hype-inf"
                  label="HYPE_∞"
                  value={fmtPercent(inf.score)}
                  detail={[
                    `${level} ${fmtInterval(inf.ci, 1, "%")}`,
                    `fake error ${fmtPercent(inf.fakeError.score)} (${fmtInterval(inf.fakeError.ci, 1, "%")})`,
                    `real error ${fmtPercent(inf.realError.score)} (${fmtInterval(inf.realError.ci, 1, "%")})`,
                    `bootstrap SD ${fmtPercent(inf.bootstrapSd, 2)} · ${inf.evaluators} evaluator${inf.evaluators === 1 ? "" : "s"}, ${inf.answers} answers`,
                  ]}
                />
              ) : (
                <Stat label="HYPE_∞" value="—" detail={["no untimed answers yet"]} />
              )}
            </div>
          </section>
        );
      })}
    </div>
  );
}
