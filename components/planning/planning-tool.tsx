"use client";

import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { extrapolateCount, smallestCountReaching, type PlanRequest, type PlanResult } from "@/lib/hype/planning";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormError } from "@/components/ui/field";
import { defaultValues, toPlanRequest, type FieldErrors, type PlanningField, type PlanningFormValues, type PlanningProtocolChoice, type StudyDesign } from "./form";
import { PlanningChart } from "./planning-chart";
import { runPlan, type PlanRun } from "./run-plan";

const inputClass =
  "block w-full rounded-md border bg-white px-3 py-2 text-sm shadow-sm focus:outline-none focus:ring-1 disabled:bg-zinc-50 disabled:text-zinc-500";

function TextField({
  id,
  label,
  hint,
  value,
  error,
  onChange,
  disabled,
  suffix,
}: {
  id: PlanningField | "target";
  label: string;
  hint?: ReactNode;
  value: string;
  error?: string;
  onChange(value: string): void;
  disabled?: boolean;
  suffix?: string;
}) {
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={`plan-${id}`} className="block text-sm font-medium text-zinc-800">
        {label}
      </label>
      <div className="flex items-center gap-2">
        <input
          id={`plan-${id}`}
          name={id}
          type="text"
          inputMode={id === "evaluatorCounts" ? "text" : "decimal"}
          autoComplete="off"
          className={`${inputClass} ${error ? "border-red-400 focus:border-red-500 focus:ring-red-500" : "border-zinc-300 focus:border-indigo-500 focus:ring-indigo-500"}`}
          value={value}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={described}
          onChange={(event) => onChange(event.target.value)}
        />
        {suffix ? <span className="shrink-0 text-sm text-zinc-500">{suffix}</span> : null}
      </div>
      {error ? (
        <p id={`${id}-error`} className="text-xs font-medium text-red-700">
          {error}
        </p>
      ) : null}
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-zinc-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

type Status = { kind: "idle" } | { kind: "running"; done: number; total: number; mode: PlanRun["mode"] } | { kind: "cancelled" };

type Outcome = { result: PlanResult; request: PlanRequest; elapsedMs: number; mode: PlanRun["mode"] };

const ADVANCED: PlanningField[] = ["evaluatorCounts", "replicates", "resamples", "seed"];
const DEFAULT_TARGET: Record<PlanningProtocolChoice, string> = { hype_time: "100", hype_inf: "5" };

function fmtWidth(x: number, unit: "ms" | "%"): string {
  return unit === "ms" ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} points`;
}

function fmtScore(x: number, unit: "ms" | "%"): string {
  return unit === "ms" ? `${x.toFixed(0)} ms` : `${x.toFixed(1)}%`;
}

/**
 * The planning page's client part: expectations in, simulated CI width against evaluators out.
 * The simulation runs in a Web Worker (or chunked on the main thread) and can be cancelled.
 */
export function PlanningTool({
  design,
  protocols,
  staircaseSummary,
  targetAccuracy,
  armTargets,
}: {
  design: StudyDesign;
  /** Accuracy the study's staircase converges to (0.75 for the paper's rule). */
  targetAccuracy: number;
  /** Protocols the study runs (the first is preselected); both can always be simulated. */
  protocols: PlanningProtocolChoice[];
  staircaseSummary: string;
  armTargets: { name: string; targetEvaluators: number }[];
}) {
  const [values, setValues] = useState<PlanningFormValues>(() => defaultValues(design, protocols[0] ?? "hype_time"));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const [runError, setRunError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [target, setTarget] = useState(DEFAULT_TARGET[values.protocol]);
  const run = useRef<PlanRun | null>(null);
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const lastProtocol = useRef<PlanningProtocolChoice>(values.protocol);

  useEffect(() => () => run.current?.cancel(), []);

  const set = (field: PlanningField, value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    setErrors((current) => {
      if (!current[field] && !current.form) return current;
      const next = { ...current };
      delete next[field];
      return next;
    });
  };
  /** The props every planning field shares: its value, error, change handler and lock while running. */
  const bind = (id: PlanningField) => ({ id, value: values[id] as string, error: errors[id], disabled: running, onChange: (v: string) => set(id, v) });
  const setProtocol = (protocol: PlanningProtocolChoice) => {
    setValues((current) => ({ ...current, protocol }));
    setErrors({});
  };

  const running = status.kind === "running";

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (running) return;
    setRunError(null);
    const parsed = toPlanRequest(values, design);
    if (parsed.errors) {
      setErrors(parsed.errors);
      if (ADVANCED.some((field) => parsed.errors[field])) setAdvancedOpen(true);
      // Move focus to the first field in error so keyboard and screen-reader users land on it.
      const first = Object.keys(parsed.errors).find((key) => key !== "form");
      if (first) requestAnimationFrame(() => document.getElementById(`plan-${first}`)?.focus());
      return;
    }
    setErrors({});
    const request = parsed.request;
    const started = runPlan(request, (event) => {
      if (event.type === "progress") {
        setStatus((current) => (current.kind === "running" ? { ...current, done: event.done, total: event.total } : current));
      } else if (event.type === "result") {
        run.current = null;
        setStatus({ kind: "idle" });
        if (lastProtocol.current !== event.result.protocol) setTarget(DEFAULT_TARGET[event.result.protocol]);
        lastProtocol.current = event.result.protocol;
        setOutcome({ result: event.result, request, elapsedMs: event.elapsedMs, mode: started.mode });
      } else {
        run.current = null;
        setStatus({ kind: "idle" });
        setRunError(event.message);
      }
    });
    run.current = started;
    setStatus({ kind: "running", done: 0, total: request.replicates ?? 0, mode: started.mode });
  };

  const cancel = () => {
    run.current?.cancel();
    run.current = null;
    setStatus({ kind: "cancelled" });
  };

  const isTime = values.protocol === "hype_time";

  return (
    <div className="space-y-6">
      <form onSubmit={onSubmit} noValidate className="space-y-6" aria-describedby="planning-about">
        <Card title="What do you expect?">
          <div className="space-y-5">
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium text-zinc-800">Protocol</legend>
              <div className="flex flex-wrap gap-4">
                {(["hype_time", "hype_inf"] as const).map((protocol) => (
                  <label key={protocol} className="flex items-center gap-2 text-sm">
                    <input type="radio" name="protocol" value={protocol} checked={values.protocol === protocol} disabled={running} onChange={() => setProtocol(protocol)} />
                    {protocol === "hype_time" ? "HYPE_time (adaptive exposure, score in ms)" : "HYPE_∞ (unlimited time, score in % wrong)"}
                    {protocols.includes(protocol) ? <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-600">in this study</span> : null}
                  </label>
                ))}
              </div>
            </fieldset>

            {isTime ? (
              <div className="grid gap-4 md:grid-cols-2">
                <TextField
                  id="thresholdMeanMs"
                  label="Mean threshold"
                  suffix="ms"
                  value={values.thresholdMeanMs}
                  error={errors.thresholdMeanMs}
                  disabled={running}
                  onChange={(v) => set("thresholdMeanMs", v)}
                  hint="About the exposure at which the typical evaluator tells this model's images from real ones 75% of the time: your guess of the score. The paper: 241–363 ms for StyleGAN on FFHQ."
                />
                <TextField
                  id="thresholdSdMs"
                  label="Spread between evaluators (SD)"
                  suffix="ms"
                  value={values.thresholdSdMs}
                  error={errors.thresholdSdMs}
                  disabled={running}
                  onChange={(v) => set("thresholdSdMs", v)}
                  hint="How much evaluators' thresholds differ. This drives the width most. 200 ms reproduces the paper's ≈ 124 ms wide CI with 30 evaluators."
                />
                <TextField
                  id="slopePerMs"
                  label="Slope of the psychometric function"
                  suffix="per ms"
                  value={values.slopePerMs}
                  error={errors.slopePerMs}
                  disabled={running}
                  onChange={(v) => set("slopePerMs", v)}
                  hint="How fast accuracy rises with exposure. 0.02: from 62% to 88% correct within ±55 ms of the threshold. Smaller = noisier staircases."
                />
                <TextField
                  id="lapsePercent"
                  label="Lapse rate"
                  suffix="%"
                  value={values.lapsePercent}
                  error={errors.lapsePercent}
                  disabled={running}
                  onChange={(v) => set("lapsePercent", v)}
                  hint={`Answers wrong even at long exposures (slips, inattention). Must stay below ${(100 - targetAccuracy * 100).toFixed(1).replace(/\.0$/, "")}%, or nobody reaches the staircase's ${(targetAccuracy * 100).toFixed(1).replace(/\.0$/, "")}% target.`}
                />
                <TextField {...bind("blocks")} label="Staircase blocks per evaluator"
                  hint="From the study's design (the paper: 3)."
                />
                <TextField {...bind("trialsPerBlock")} label="Trials per block"
                  hint="From the study's design (the paper: 150)."
                />
                <p className="text-xs text-zinc-500 md:col-span-2">Staircase (from the study): {staircaseSummary}.</p>
              </div>
            ) : (
              <div className="grid gap-4 md:grid-cols-3">
                <TextField
                  id="errorMeanPercent"
                  label="Mean error rate"
                  suffix="%"
                  value={values.errorMeanPercent}
                  error={errors.errorMeanPercent}
                  disabled={running}
                  onChange={(v) => set("errorMeanPercent", v)}
                  hint="Expected HYPE_∞ score: % of images judged wrongly with unlimited time. 50% = chance. The paper, CelebA-64: 4% (WGAN-GP) to 51% (StyleGAN)."
                />
                <TextField
                  id="errorSdPercent"
                  label="Spread between evaluators (SD)"
                  suffix="points"
                  value={values.errorSdPercent}
                  error={errors.errorSdPercent}
                  disabled={running}
                  onChange={(v) => set("errorSdPercent", v)}
                  hint="How much evaluators' own error rates differ (a Beta distribution). 0 = everyone alike; the paper's widths suggest 0–10 points."
                />
                <TextField {...bind("infTrials")} label="Images per evaluator"
                  hint="From the study's design (the paper: 100)."
                />
              </div>
            )}

            <details className="rounded-md border border-zinc-200 px-4 py-3" open={advancedOpen} onToggle={(event) => setAdvancedOpen(event.currentTarget.open)}>
              <summary className="cursor-pointer text-sm font-medium text-zinc-800">Simulation settings</summary>
              <div className="mt-4 grid gap-4 md:grid-cols-2">
                <TextField {...bind("evaluatorCounts")} label="Numbers of evaluators per arm to try"
                  hint="Comma-separated, 2 to 500."
                />
                <TextField {...bind("replicates")} label="Simulated studies per number"
                  hint="More = smoother curve and band, slower."
                />
                <TextField {...bind("resamples")} label="Bootstrap resamples per simulated study"
                  hint="1,000 is enough for planning; the results page uses 10,000."
                />
                <TextField {...bind("seed")} label="Seed" hint="Same inputs and seed → same curve." />
              </div>
            </details>

            <FormError message={errors.form ?? null} />
            {Object.keys(errors).length > 0 ? (
              <p role="alert" className="text-sm text-red-700">
                Some values need fixing before the simulation can run.
              </p>
            ) : null}

            <div className="flex flex-wrap items-center gap-3">
              <Button type="submit" disabled={running}>
                {running ? "Simulating…" : "Simulate"}
              </Button>
              {running ? (
                <Button type="button" variant="secondary" onClick={cancel}>
                  Cancel
                </Button>
              ) : null}
              <div className="min-w-48 flex-1" aria-live="polite">
                {status.kind === "running" ? (
                  <div className="flex items-center gap-3">
                    <progress className="h-2 w-48 accent-indigo-600" value={status.done} max={status.total || 1} aria-label="Simulation progress" />
                    <span className="text-sm text-zinc-600">
                      {status.done} of {status.total} simulated studies{status.mode === "main thread" ? " (in the page)" : ""}
                    </span>
                  </div>
                ) : status.kind === "cancelled" ? (
                  <span className="text-sm text-zinc-600">Cancelled.{outcome ? " The chart shows the previous run." : ""}</span>
                ) : null}
              </div>
            </div>
            <FormError message={runError} />
          </div>
        </Card>
      </form>

      {outcome ? <PlanningOutcome outcome={outcome} target={target} setTarget={setTarget} armTargets={armTargets} /> : null}
    </div>
  );
}

function PlanningOutcome({
  outcome,
  target,
  setTarget,
  armTargets,
}: {
  outcome: Outcome;
  target: string;
  setTarget(value: string): void;
  armTargets: { name: string; targetEvaluators: number }[];
}) {
  const { result, request } = outcome;
  const unit = result.unit;
  const parsedTarget = target.trim() === "" ? null : Number(target.trim().replace(",", "."));
  const targetError = parsedTarget !== null && !(Number.isFinite(parsedTarget) && parsedTarget > 0) ? "Enter a width above 0." : undefined;
  const targetValue = parsedTarget !== null && !targetError ? parsedTarget : null;
  const chosen = targetValue === null ? null : smallestCountReaching(result.points, targetValue);
  const sure = targetValue === null ? null : smallestCountReaching(result.points, targetValue, "p90Width");
  const beyond = targetValue !== null && chosen === null ? extrapolateCount(result.points, targetValue) : null;
  const currentTargets = [...new Set(armTargets.map((arm) => arm.targetEvaluators))];
  const current = currentTargets.length === 1 ? (currentTargets[0] as number) : null;
  const widthUnit = unit === "ms" ? "ms" : "points";
  const largest = result.points[result.points.length - 1];
  // The mode estimator runs 10–25 ms high after the descent from the start (docs/hype.md); far
  // more means the staircase never reached the thresholds, and the narrow CI is an artefact.
  const bias = result.protocol === "hype_time" && largest ? largest.meanScore - result.expectedScore : 0;

  return (
    <Card title={`Simulated 95% CI width — ${result.protocol === "hype_time" ? "HYPE_time" : "HYPE_∞"}`}>
      <div className="space-y-5">
        <div className="grid items-start gap-4 md:grid-cols-[16rem_1fr]">
          <TextField
            id="target"
            label="Target CI width"
            suffix={widthUnit}
            value={target}
            error={targetError}
            onChange={setTarget}
            hint="Full width of the 95% interval (upper − lower) you want."
          />
          <div className="rounded-lg bg-indigo-50 px-4 py-3 text-sm text-indigo-950" aria-live="polite">
            {targetValue === null ? (
              <p>Enter a target width to find the number of evaluators that reaches it.</p>
            ) : chosen !== null ? (
              <>
                <p className="text-base font-semibold">≈ {chosen} evaluators per arm</p>
                <p className="mt-1">
                  The smallest simulated number whose mean CI width is at most {fmtWidth(targetValue, unit)}.{" "}
                  {sure !== null
                    ? sure === chosen
                      ? "At that number, 9 in 10 simulated studies reached it too."
                      : `To reach it in 9 of 10 simulated studies: ${sure}.`
                    : "Fewer than 9 in 10 simulated studies reach it even at the largest number tried."}
                </p>
              </>
            ) : (
              <>
                <p className="text-base font-semibold">None of the simulated numbers reaches {fmtWidth(targetValue, unit)}</p>
                {beyond !== null ? (
                  <p className="mt-1">
                    Width shrinks roughly as 1/√N, which suggests about {beyond} evaluators per arm. Add that number to the simulation settings to check it.
                  </p>
                ) : null}
              </>
            )}
          </div>
        </div>

        {Math.abs(bias) > 50 ? (
          <p role="note" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            The simulated scores average {fmtScore(largest!.meanScore, unit)}, {Math.abs(bias).toFixed(0)} ms {bias > 0 ? "above" : "below"} the expected{" "}
            {fmtScore(result.expectedScore, unit)}. With these blocks the staircase does not get from its start to the evaluators&apos; thresholds, or
            thresholds pile up at its floor or ceiling. The widths are then too optimistic: they measure where the staircase stopped, not the
            evaluators. Use longer blocks, or check the expected threshold against the staircase&apos;s range.
          </p>
        ) : null}

        <PlanningChart points={result.points} unit={unit} target={targetValue} chosen={chosen} current={current} />

        <div className="overflow-x-auto">
          <table className="min-w-full text-sm">
            <caption className="sr-only">CI width and score by number of evaluators</caption>
            <thead>
              <tr className="border-b border-zinc-200 text-left text-xs uppercase tracking-wide text-zinc-500">
                <th scope="col" className="py-2 pr-4 font-medium">
                  Evaluators per arm
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Mean CI width
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  10th–90th percentile
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Mean score
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  SD of the score between studies
                </th>
              </tr>
            </thead>
            <tbody>
              {result.points.map((p) => (
                <tr key={p.evaluators} className={`border-b border-zinc-100 ${p.evaluators === chosen ? "bg-red-50 font-semibold" : ""}`} aria-current={p.evaluators === chosen ? "true" : undefined}>
                  <th scope="row" className="py-1.5 pr-4 text-left font-medium">
                    {p.evaluators}
                    {p.evaluators === chosen ? <span className="ml-2 text-xs font-normal text-red-700">reaches the target</span> : null}
                  </th>
                  <td className="py-1.5 pr-4 tabular-nums">{fmtWidth(p.meanWidth, unit)}</td>
                  <td className="py-1.5 pr-4 tabular-nums">
                    {fmtWidth(p.p10Width, unit)} – {fmtWidth(p.p90Width, unit)}
                  </td>
                  <td className="py-1.5 pr-4 tabular-nums">{fmtScore(p.meanScore, unit)}</td>
                  <td className="py-1.5 pr-4 tabular-nums">{fmtWidth(p.scoreSd, unit)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>

        <p className="text-xs text-zinc-500">
          {result.replicates} simulated studies per number, {result.resamples.toLocaleString("en")} bootstrap resamples each, seed {request.seed}; expected score{" "}
          {fmtScore(result.expectedScore, unit)}
          {result.targetAccuracy !== null ? ` (the mean evaluator's ${(result.targetAccuracy * 100).toFixed(1)}% point)` : ""}. Ran in {(outcome.elapsedMs / 1000).toFixed(1)} s
          {outcome.mode === "main thread" ? " in the page (Web Workers unavailable)" : " in a background worker"}.
          {armTargets.length > 0 ? ` Current targets: ${armTargets.map((arm) => `${arm.name} ${arm.targetEvaluators}`).join(", ")}.` : ""}
        </p>
      </div>
    </Card>
  );
}
