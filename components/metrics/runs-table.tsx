import type { MetricRunSummary } from "@/lib/metrics/service-schema";
import { fmt, shortHash } from "./format";

/** Every stored run of the study, newest first. */
export function RunsTable({ runs }: { runs: MetricRunSummary[] }) {
  if (runs.length === 0) return <p className="text-sm text-zinc-500">No metric runs yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full text-sm" data-testid="metric-runs">
        <thead className="text-left text-zinc-500">
          <tr>
            {["Set", "Status", "Images", "FID", "IS", "KID", "Precision", "Recall", "Density", "Coverage", "Images/s", "Model", "Resize", "Backend", "When"].map((h) => (
              <th key={h} className="py-1 pr-3 font-medium">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => {
            const r = run.results;
            const arm = r?.kind === "arm" ? r : null;
            return (
              <tr key={run.id} className="border-t border-zinc-100 align-top">
                <td className="py-1 pr-3 font-medium">{run.armName ?? "Real set (reference)"}</td>
                <td className="py-1 pr-3">{run.status === "FAILED" ? <span title={run.error ?? ""} className="text-red-700">failed: {run.error}</span> : run.status.toLowerCase()}</td>
                <td className="py-1 pr-3 tabular-nums">{r ? r.images : "—"}</td>
                <td className="py-1 pr-3 tabular-nums">{fmt(arm?.fid, 2)}</td>
                <td className="py-1 pr-3 tabular-nums">{arm ? `${fmt(arm.isMean, 3)} ± ${fmt(arm.isStd, 3)}` : "—"}</td>
                <td className="py-1 pr-3 tabular-nums">{arm ? `${fmt(arm.kidMean, 4)} ± ${fmt(arm.kidStd, 4)}` : "—"}</td>
                <td className="py-1 pr-3 tabular-nums">{fmt(arm?.precision, 3)}</td>
                <td className="py-1 pr-3 tabular-nums">{fmt(arm?.recall, 3)}</td>
                <td className="py-1 pr-3 tabular-nums">{fmt(arm?.density, 3)}</td>
                <td className="py-1 pr-3 tabular-nums">{fmt(arm?.coverage, 3)}</td>
                <td className="py-1 pr-3 tabular-nums">{fmt(r?.imagesPerSecond, 1)}</td>
                <td className="py-1 pr-3 font-mono text-xs">{shortHash(run.modelHash)}</td>
                <td className="py-1 pr-3">{run.settings?.resize ?? "—"}</td>
                <td className="py-1 pr-3">{run.settings?.backend ?? "—"}</td>
                <td className="py-1 pr-3 text-xs text-zinc-500">{new Date(run.createdAt).toLocaleString("en-GB", { timeZone: "UTC" })} UTC</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
