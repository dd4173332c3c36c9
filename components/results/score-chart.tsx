"use client";

import { Bar, BarChart, CartesianGrid, Cell, ErrorBar, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface ScoreBar {
  arm: string;
  score: number;
  /** [score − lower, upper − score], for the error bar. */
  error: [number, number];
  lower: number;
  upper: number;
  color: string;
}

/** Bars of one protocol's score per arm with their bootstrap CI as error bars. */
export function ScoreChart({ title, unit, bars, domainMax }: { title: string; unit: string; bars: ScoreBar[]; domainMax?: number }) {
  return (
    <figure aria-label={title} data-testid="score-chart">
      <figcaption className="mb-2 text-sm font-medium text-zinc-700">{title}</figcaption>
      <div className="h-56">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={bars} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="arm" tick={{ fontSize: 12 }} />
            <YAxis tick={{ fontSize: 12 }} unit={unit} domain={[0, domainMax ?? "auto"]} width={72} />
            <Tooltip
              formatter={(value, _name, item) => {
                const bar = item.payload as ScoreBar;
                return [`${Number(value).toFixed(1)}${unit} (CI ${bar.lower.toFixed(1)}–${bar.upper.toFixed(1)}${unit})`, "score"];
              }}
            />
            <Bar dataKey="score" isAnimationActive={false}>
              {bars.map((bar) => (
                <Cell key={bar.arm} fill={bar.color} />
              ))}
              <ErrorBar dataKey="error" width={6} strokeWidth={1.5} stroke="#18181b" />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
