"use client";

import { useState } from "react";
import { CartesianGrid, LabelList, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import { AUTOMATIC_METRICS, HUMAN_METRICS, type AutomaticMetric, type CorrelationCell, type CrossReferenceRow, type HumanMetric } from "@/lib/metrics/service-schema";
import { fmt, fmtP } from "./format";

/** Pooled over studies, a row also names its study. */
type Row = CrossReferenceRow & { studyId?: string; study?: string };

/**
 * Per arm: human scores next to automatic metrics; Spearman ρ (and p) for every pair; a scatter of
 * the chosen pair, one point per arm. Rows from several studies get a study column.
 */
export function CrossReferencePanel({ data, caption = "Per arm: human scores and the latest automatic metrics" }: { data: { rows: Row[]; correlations: CorrelationCell[] }; caption?: string }) {
  const pooled = data.rows.some((row) => row.study !== undefined);
  const [human, setHuman] = useState<HumanMetric>("hypeInf");
  const [automatic, setAutomatic] = useState<AutomaticMetric>("fid");
  const points = data.rows
    .filter((row) => row[human] !== null && row[automatic] !== null)
    .map((row) => ({ arm: pooled ? `${row.study} · ${row.arm}` : row.arm, x: row[automatic]!, y: row[human]! }));
  const humanLabel = HUMAN_METRICS.find((m) => m.key === human)!.label;
  const autoLabel = AUTOMATIC_METRICS.find((m) => m.key === automatic)!.label;

  return (
    <div className="space-y-6" data-testid="cross-reference">
      <div className="overflow-x-auto">
        <table className="min-w-full text-sm">
          <caption className="mb-2 text-left text-sm text-zinc-600">{caption}</caption>
          <thead className="text-left text-zinc-500">
            <tr>
              {pooled && <th className="py-1 pr-4 font-medium">Study</th>}
              <th className="py-1 pr-4 font-medium">Arm</th>
              {HUMAN_METRICS.map((m) => (
                <th key={m.key} className="py-1 pr-4 font-medium">{m.label}</th>
              ))}
              {AUTOMATIC_METRICS.map((m) => (
                <th key={m.key} className="py-1 pr-4 font-medium">
                  {m.label} <span className="text-xs text-zinc-400">({m.better} is better)</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.rows.map((row) => (
              <tr key={`${row.studyId ?? ""}/${row.armId}`} className="border-t border-zinc-100">
                {pooled && <td className="py-1 pr-4">{row.study}</td>}
                <td className="py-1 pr-4 font-medium">{row.arm}</td>
                <td className="py-1 pr-4 tabular-nums">{fmt(row.hypeTime, 0)}</td>
                <td className="py-1 pr-4 tabular-nums">{fmt(row.hypeInf, 1)}</td>
                <td className="py-1 pr-4 tabular-nums">{fmt(row.fid, 2)}</td>
                <td className="py-1 pr-4 tabular-nums">{fmt(row.isMean, 3)}</td>
                <td className="py-1 pr-4 tabular-nums">{fmt(row.kidMean, 4)}</td>
                <td className="py-1 pr-4 tabular-nums">{fmt(row.precision, 3)}</td>
                <td className="py-1 pr-4 tabular-nums">{fmt(row.recall, 3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div className="overflow-x-auto">
        <table className="min-w-full text-sm" data-testid="correlations">
          <caption className="mb-2 text-left text-sm text-zinc-600">
            Spearman ρ across arms (two-sided p from the t approximation; with few arms it is rough, and with two arms there is no p)
          </caption>
          <thead className="text-left text-zinc-500">
            <tr>
              <th className="py-1 pr-4 font-medium">Human score</th>
              {AUTOMATIC_METRICS.map((m) => (
                <th key={m.key} className="py-1 pr-4 font-medium">{m.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {HUMAN_METRICS.map((h) => (
              <tr key={h.key} className="border-t border-zinc-100">
                <td className="py-1 pr-4 font-medium">{h.label}</td>
                {AUTOMATIC_METRICS.map((m) => {
                  const cell = data.correlations.find((c) => c.human === h.key && c.automatic === m.key)!;
                  return (
                    <td key={m.key} className="py-1 pr-4 tabular-nums">
                      ρ = {fmt(cell.rho, 2)} <span className="text-xs text-zinc-500">p {fmtP(cell.p)} · n {cell.n}</span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div className="space-y-2">
        <div className="flex flex-wrap gap-4 text-sm">
          <label>
            Human score{" "}
            <select className="rounded-md border border-zinc-300 px-2 py-1" value={human} onChange={(e) => setHuman(e.target.value as HumanMetric)}>
              {HUMAN_METRICS.map((m) => (
                <option key={m.key} value={m.key}>{m.label}</option>
              ))}
            </select>
          </label>
          <label>
            Automatic metric{" "}
            <select className="rounded-md border border-zinc-300 px-2 py-1" value={automatic} onChange={(e) => setAutomatic(e.target.value as AutomaticMetric)}>
              {AUTOMATIC_METRICS.map((m) => (
                <option key={m.key} value={m.key}>{m.label}</option>
              ))}
            </select>
          </label>
        </div>
        <figure aria-label={`${humanLabel} against ${autoLabel}`} data-testid="cross-reference-scatter">
          {points.length === 0 ? (
            <p className="text-sm text-zinc-500">No arm has both a {humanLabel} score and a {autoLabel} value yet.</p>
          ) : (
            <div className="h-72">
              <ResponsiveContainer width="100%" height="100%">
                <ScatterChart margin={{ top: 16, right: 24, bottom: 24, left: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis type="number" dataKey="x" name={autoLabel} tick={{ fontSize: 12 }} domain={["auto", "auto"]} label={{ value: autoLabel, position: "insideBottom", offset: -12, fontSize: 12 }} />
                  <YAxis type="number" dataKey="y" name={humanLabel} tick={{ fontSize: 12 }} domain={["auto", "auto"]} width={64} label={{ value: humanLabel, angle: -90, position: "insideLeft", fontSize: 12 }} />
                  <Tooltip formatter={(value) => fmt(Number(value), 3)} />
                  <Scatter data={points} fill="#4f46e5" isAnimationActive={false}>
                    <LabelList dataKey="arm" position="top" fontSize={11} />
                  </Scatter>
                </ScatterChart>
              </ResponsiveContainer>
            </div>
          )}
        </figure>
      </div>
    </div>
  );
}
