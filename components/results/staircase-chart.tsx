"use client";

import { useId, useState } from "react";
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { StaircaseBlock } from "@/lib/studies/results-aggregate";

export interface StaircasePlot {
  evaluator: string;
  arm: string;
  color: string;
  thresholdMs: number | null;
  blockModesMs: number[] | null;
  blocks: StaircaseBlock[];
}

interface Point {
  trial: number;
  exposure: number;
  correct: boolean;
  replaced: boolean;
}

function points(block: StaircaseBlock): Point[] {
  const replaced = new Set(block.replaced);
  return block.trials.map((trial, i) => ({ trial, exposure: block.exposureMs[i]!, correct: block.correct[i] === 1, replaced: replaced.has(i) }));
}

/** Correct answers as filled dots, errors red, replaced (re-run, not scored) trials hollow. */
function AnswerDot(props: { cx?: number; cy?: number; payload?: Point; stroke?: string }) {
  const { cx, cy, payload, stroke } = props;
  if (cx === undefined || cy === undefined || !payload) return <g />;
  if (payload.replaced) return <circle cx={cx} cy={cy} r={3.5} fill="white" stroke="#71717a" strokeWidth={1.5} />;
  return <circle cx={cx} cy={cy} r={2.5} fill={payload.correct ? stroke : "#dc2626"} stroke="none" />;
}

/**
 * One evaluator's staircases at a time (a select to switch): the requested exposure of every trial,
 * one line per block, with the evaluator's threshold (mean of the block modes).
 */
export function StaircaseChart({ series, total }: { series: StaircasePlot[]; total: number }) {
  const [selected, setSelected] = useState(0);
  const selectId = useId();
  const current = series[Math.min(selected, series.length - 1)];
  if (!current) return <p className="text-sm text-zinc-600">No HYPE_time answers yet.</p>;
  return (
    <figure aria-label="Staircase" data-testid="staircase-chart">
      <div className="mb-3 flex flex-wrap items-center gap-3">
        <label htmlFor={selectId} className="text-sm font-medium text-zinc-700">
          Evaluator
        </label>
        <select
          id={selectId}
          className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm"
          value={selected}
          onChange={(event) => setSelected(Number(event.target.value))}
        >
          {series.map((s, i) => (
            <option key={s.evaluator} value={i}>
              {s.arm} · …{s.evaluator.slice(-8)}
              {s.thresholdMs !== null ? ` · ${s.thresholdMs.toFixed(1)} ms` : ""}
            </option>
          ))}
        </select>
        {total > series.length ? <span className="text-xs text-zinc-500">first {series.length} of {total} evaluators; the trial download has all</span> : null}
      </div>
      <div className="h-64">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart margin={{ top: 8, right: 16, bottom: 16, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="trial"
              domain={["dataMin", "dataMax"]}
              allowDuplicatedCategory={false}
              tick={{ fontSize: 12 }}
              label={{ value: "trial", position: "insideBottom", offset: -8, fontSize: 12 }}
            />
            <YAxis type="number" dataKey="exposure" unit=" ms" tick={{ fontSize: 12 }} width={64} domain={[0, "auto"]} />
            <Tooltip
              formatter={(value, _name, item) => {
                const p = item.payload as Point;
                return [`${value} ms — ${p.replaced ? "replaced (re-run)" : p.correct ? "correct" : "wrong"}`, "exposure"];
              }}
              labelFormatter={(label) => `trial ${label}`}
            />
            {current.blocks.map((block, i) => (
              <Line
                key={block.block}
                data={points(block)}
                dataKey="exposure"
                name={`block ${block.block}`}
                type="stepAfter"
                stroke={current.color}
                strokeOpacity={1 - i * 0.2}
                isAnimationActive={false}
                dot={<AnswerDot />}
              />
            ))}
            {current.thresholdMs !== null ? (
              <ReferenceLine y={current.thresholdMs} stroke="#18181b" strokeDasharray="4 4" label={{ value: `threshold ${current.thresholdMs.toFixed(1)} ms`, position: "insideTopRight", fontSize: 11 }} />
            ) : null}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-2 text-xs text-zinc-500">
        Requested exposure per trial, one line per block (each block has its own staircase). Filled dots: correct; red: wrong; hollow: replaced by a
        re-run, not scored. Dashed: the evaluator&apos;s threshold
        {current.blockModesMs ? ` (mean of the block modes ${current.blockModesMs.join(", ")} ms)` : ""}.
      </figcaption>
    </figure>
  );
}
