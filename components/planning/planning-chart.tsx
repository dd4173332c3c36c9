"use client";

import { Area, CartesianGrid, ComposedChart, Line, ReferenceDot, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { PlanPoint } from "@/lib/hype/planning";

const fmt = (x: number, unit: string) => `${x.toFixed(unit === "ms" ? 0 : 1)} ${unit === "ms" ? "ms" : "pts"}`;

/**
 * CI width against evaluators per arm: the mean over simulated studies (line) and the 10th–90th
 * percentile band; optional target width (horizontal), chosen N (dot) and the study's current
 * target (vertical).
 */
export function PlanningChart({
  points,
  unit,
  target,
  chosen,
  current,
}: {
  points: readonly PlanPoint[];
  unit: "ms" | "%";
  target: number | null;
  chosen: number | null;
  current: number | null;
}) {
  const data = points.map((p) => ({ n: p.evaluators, mean: p.meanWidth, band: [p.p10Width, p.p90Width] as [number, number] }));
  const chosenPoint = chosen === null ? undefined : points.find((p) => p.evaluators === chosen);
  const maxN = Math.max(...points.map((p) => p.evaluators), current ?? 0);
  const axisUnit = unit === "ms" ? "ms" : "percentage points";
  return (
    <figure className="space-y-2">
      <div className="h-80 w-full" role="img" aria-label={`Line chart of the 95% CI width (${axisUnit}) against the number of evaluators per arm; the same numbers are in the table below.`}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} margin={{ top: 16, right: 24, bottom: 24, left: 8 }}>
            <CartesianGrid stroke="#e4e4e7" strokeDasharray="3 3" />
            <XAxis
              dataKey="n"
              type="number"
              domain={[0, Math.ceil(maxN * 1.05)]}
              ticks={[...new Set([...data.map((d) => d.n), ...(current !== null ? [current] : [])])].sort((a, b) => a - b)}
              label={{ value: "evaluators per arm", position: "insideBottom", offset: -12, fill: "#52525b", fontSize: 12 }}
              tick={{ fontSize: 12, fill: "#52525b" }}
            />
            <YAxis
              domain={[0, "auto"]}
              tick={{ fontSize: 12, fill: "#52525b" }}
              label={{ value: `95% CI width (${unit === "ms" ? "ms" : "pts"})`, angle: -90, position: "insideLeft", fill: "#52525b", fontSize: 12, style: { textAnchor: "middle" } }}
            />
            <Tooltip
              formatter={(value, name) => {
                if (Array.isArray(value)) return [`${fmt(Number(value[0]), unit)} – ${fmt(Number(value[1]), unit)}`, "10th–90th percentile"];
                return [fmt(Number(value), unit), name === "mean" ? "mean width" : String(name)];
              }}
              labelFormatter={(label) => `${label} evaluators`}
            />
            <Area dataKey="band" type="monotone" stroke="none" fill="#6366f1" fillOpacity={0.15} isAnimationActive={false} name="band" />
            <Line dataKey="mean" type="monotone" stroke="#4f46e5" strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} name="mean" />
            {target !== null ? (
              <ReferenceLine y={target} ifOverflow="extendDomain" stroke="#dc2626" strokeDasharray="6 4" label={{ value: `target ${fmt(target, unit)}`, position: "insideTopRight", fill: "#b91c1c", fontSize: 12 }} />
            ) : null}
            {current !== null ? (
              <ReferenceLine x={current} ifOverflow="extendDomain" stroke="#71717a" strokeDasharray="2 4" label={{ value: `study target: ${current}`, position: "insideTopLeft", fill: "#52525b", fontSize: 12 }} />
            ) : null}
            {chosenPoint ? <ReferenceDot x={chosenPoint.evaluators} y={chosenPoint.meanWidth} r={7} fill="#dc2626" stroke="#fff" strokeWidth={2} /> : null}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="text-xs text-zinc-500">
        Line: mean width over the simulated studies. Band: 10th to 90th percentile of the width, i.e. 8 in 10 simulated studies fell inside it.
      </figcaption>
    </figure>
  );
}
