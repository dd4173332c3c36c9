import type { SeparabilityResult } from "@/lib/hype";
import { fmt, fmtInterval, fmtP } from "./format";

const th = "px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-zinc-500";
const td = "px-3 py-2 tabular-nums";

function Tests({ title, unit, result }: { title: string; unit: string; result: SeparabilityResult }) {
  const { anova, tukey, tTest, groups } = result;
  return (
    <div className="space-y-3" data-testid="separability">
      <h3 className="text-sm font-semibold text-zinc-800">{title}</h3>
      <p className="text-sm text-zinc-700">
        One-way ANOVA on per-evaluator scores: F({anova.dfBetween}, {anova.dfWithin}) = {fmt(anova.F, 2)}, p = {fmtP(anova.p)}
        <span className="text-zinc-500"> · groups {groups.map((g) => `${g.name} n=${g.n}, mean ${fmt(g.mean)}${unit}, SD ${fmt(g.sd)}`).join("; ")}</span>
      </p>
      <table className="w-full text-sm">
        <thead className="border-b border-zinc-200">
          <tr>
            <th className={th}>Pair (Tukey HSD)</th>
            <th className={th}>Difference</th>
            <th className={th}>Simultaneous CI</th>
            <th className={th}>q</th>
            <th className={th}>p</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {tukey.map((c) => (
            <tr key={`${c.a}|${c.b}`}>
              <td className="px-3 py-2">
                {c.a} − {c.b}
              </td>
              <td className={td}>
                {fmt(c.meanDiff)}
                {unit}
              </td>
              <td className={td}>{fmtInterval(c.ci, 1, unit)}</td>
              <td className={td}>{fmt(c.q, 2)}</td>
              <td className={td}>{fmtP(c.p)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {tTest ? (
        <p className="text-sm text-zinc-700">
          Two arms, unpaired t-tests: Student t({fmt(tTest.student?.df, 0)}) = {fmt(tTest.student?.t, 2)}, p = {fmtP(tTest.student?.p)} · Welch t(
          {fmt(tTest.welch?.df, 1)}) = {fmt(tTest.welch?.t, 2)}, p = {fmtP(tTest.welch?.p)}
        </p>
      ) : null}
    </div>
  );
}

/** ANOVA + Tukey HSD (and the t-tests for two arms) per protocol, on per-evaluator scores. */
export function SeparabilityTable({ hypeTime, hypeInf }: { hypeTime: SeparabilityResult | null; hypeInf: SeparabilityResult | null }) {
  if (!hypeTime && !hypeInf) {
    return <p className="text-sm text-zinc-600">Separability needs at least two arms with answers in the same protocol.</p>;
  }
  return (
    <div className="space-y-6">
      {hypeTime ? <Tests title="HYPE_time (evaluator thresholds, ms)" unit=" ms" result={hypeTime} /> : null}
      {hypeInf ? <Tests title="HYPE_∞ (per-evaluator % wrong)" unit="%" result={hypeInf} /> : null}
    </div>
  );
}
