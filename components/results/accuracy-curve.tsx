"use client";

import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface CurvePlot {
  arm: string;
  color: string;
  bins: Array<{ centerMs: number; fromMs: number; toMs: number; accuracy: number; trials: number; lower: number | null; upper: number | null }>;
}

/** Accuracy against requested exposure (50 ms bins) per arm: the empirical psychometric curve. */
export function AccuracyCurve({ curves, target, binWidthMs }: { curves: CurvePlot[]; target: number | null; binWidthMs: number }) {
  if (curves.length === 0) return <p className="text-sm text-zinc-600">No HYPE_time answers yet.</p>;
  return (
    <figure aria-label="Accuracy against exposure" data-testid="accuracy-curve">
      <div className="h-64">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart margin={{ top: 8, right: 16, bottom: 16, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="centerMs"
              domain={[(min: number) => Math.max(0, min - binWidthMs / 2), (max: number) => max + binWidthMs / 2]}
              allowDuplicatedCategory={false}
              unit=" ms"
              tick={{ fontSize: 12 }}
              label={{ value: "requested exposure (bin centre)", position: "insideBottom", offset: -8, fontSize: 12 }}
            />
            <YAxis type="number" domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} tick={{ fontSize: 12 }} width={48} />
            <Tooltip
              formatter={(value, name, item) => {
                const bin = item.payload as CurvePlot["bins"][number];
                const ci = bin.lower !== null && bin.upper !== null ? `, 95% CI ${(bin.lower * 100).toFixed(0)}–${(bin.upper * 100).toFixed(0)}%` : "";
                return [`${(Number(value) * 100).toFixed(1)}% of ${bin.trials}${ci}`, name];
              }}
              labelFormatter={(label) => `${Number(label) - binWidthMs / 2}–${Number(label) + binWidthMs / 2} ms`}
            />
            <Legend verticalAlign="top" height={24} />
            {target !== null ? <ReferenceLine y={target} stroke="#71717a" strokeDasharray="4 4" label={{ value: `${Math.round(target * 1000) / 10}% target`, position: "insideBottomRight", fontSize: 11 }} /> : null}
            <ReferenceLine y={0.5} stroke="#d4d4d8" />
            {curves.map((curve) => (
              <Line key={curve.arm} data={curve.bins} dataKey="accuracy" name={curve.arm} stroke={curve.color} isAnimationActive={false} dot={{ r: 3 }} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-2 text-xs text-zinc-500">
        Share of correct answers among scored HYPE_time trials whose requested exposure falls in each {binWidthMs} ms bin, all evaluators of the arm pooled. The
        staircase spends most trials near the threshold, so the bins there are the best measured (hover for n and the Wilson 95% interval).
      </figcaption>
    </figure>
  );
}
