import { REASON_LABELS } from "@/lib/hype/exclusion";
import type { EvaluatorRow } from "@/lib/studies/results";
import { fmtMs, fmtPercent, fmtShare } from "./format";

const th = "px-2 py-2 text-left text-xs font-medium uppercase tracking-wide text-zinc-500 whitespace-nowrap";
const td = "px-2 py-2 tabular-nums whitespace-nowrap";

const STATUS: Record<string, string> = {
  COMPLETED: "bg-emerald-100 text-emerald-800",
  DISQUALIFIED: "bg-red-100 text-red-800",
  ABANDONED: "bg-zinc-200 text-zinc-600",
};

/** One row per evaluation session (= evaluator). */
export function EvaluatorTable({ rows }: { rows: EvaluatorRow[] }) {
  if (rows.length === 0) return <p className="text-sm text-zinc-600">No evaluators yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="evaluator-table">
        <thead className="border-b border-zinc-200">
          <tr>
            <th className={th}>Arm</th>
            <th className={th}>Evaluator</th>
            <th className={th}>Protocol</th>
            <th className={th} title="HYPE_time: threshold (mean of block modes). HYPE_∞: % wrong.">
              Threshold / error
            </th>
            <th className={th}>Accuracy</th>
            <th className={th} title="Answered (scored)">
              Trials
            </th>
            <th className={th}>frame_miss</th>
            <th className={th}>blur</th>
            <th className={th}>hidden</th>
            <th className={th} title="Re-run with a fresh image; not scored">
              replaced
            </th>
            <th className={th}>other flags</th>
            <th className={th}>Status</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {rows.map((r) => (
            <tr key={r.evaluator}>
              <td className="whitespace-nowrap px-2 py-2">{r.arm}</td>
              <td className="px-2 py-2 font-mono text-xs" title={r.evaluator}>
                {r.evaluator.slice(-8)}
              </td>
              <td className="whitespace-nowrap px-2 py-2">{r.protocol === "hype_time" ? "HYPE_time" : r.protocol === "hype_inf" ? "HYPE_∞" : "qualification"}</td>
              <td className={td} title={r.blockModesMs ? `block modes: ${r.blockModesMs.join(", ")} ms` : undefined}>
                {r.protocol === "hype_time" ? fmtMs(r.thresholdMs) : fmtPercent(r.percentWrong)}
              </td>
              <td className={td}>{fmtShare(r.accuracy)}</td>
              <td className={td}>
                {r.answered}
                {r.scored !== r.answered ? <span className="text-zinc-500"> ({r.scored})</span> : null}
              </td>
              <td className={td}>{r.flags.frame_miss || ""}</td>
              <td className={td}>{r.flags.blur || ""}</td>
              <td className={td}>{r.flags.hidden || ""}</td>
              <td className={td}>{r.flags.replaced || ""}</td>
              <td className={td}>{r.flags.other || ""}</td>
              <td className="whitespace-nowrap px-2 py-2">
                <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS[r.status] ?? "bg-amber-100 text-amber-800"}`}>
                  {r.status.toLowerCase().replace("_", " ")}
                  {r.qualification === "failed" ? " · failed qualification" : ""}
                </span>
                {r.excluded.length > 0 ? (
                  <span className="ml-1 rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800" data-testid="excluded">
                    excluded: {r.excluded.map((reason) => REASON_LABELS[reason]).join(", ")}
                  </span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
