"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { AnalysisSettings } from "@/lib/studies/config";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { sendJson } from "@/components/send-json";

/** A number input bound to one setting; an empty or invalid entry keeps the last valid value. */
function NumberSetting({ id, label, value, onChange, disabled, min, max, hint }: { id: string; label: string; value: number; onChange(value: number): void; disabled?: boolean; min: number; max: number; hint?: string }) {
  return <Field id={id} label={label} hint={hint} type="number" min={min} max={max} step="any" value={value} disabled={disabled} onChange={(event) => Number.isFinite(event.target.valueAsNumber) && onChange(event.target.valueAsNumber)} />;
}

function Toggle({ id, checked, onChange, children }: { id: string; checked: boolean; onChange(on: boolean): void; children: React.ReactNode }) {
  return (
    <label htmlFor={id} className="flex items-start gap-2 text-sm font-medium text-zinc-800">
      <input id={id} type="checkbox" className="mt-0.5" checked={checked} onChange={(event) => onChange(event.target.checked)} />
      <span>{children}</span>
    </label>
  );
}

/**
 * The study's exclusion rules and live-monitoring targets. They change the analysis, never what
 * annotators see, so they stay editable while the study runs (PATCH /api/studies/:id {analysis}).
 * A rule that is off keeps its last limit in the form, ready to be turned back on.
 */
export function AnalysisSettingsForm({ studyId, settings }: { studyId: string; settings: AnalysisSettings }) {
  const router = useRouter();
  const [exclusions, setExclusions] = useState(settings.exclusions);
  const [live, setLive] = useState(settings.live);
  const [limits, setLimits] = useState({
    flaggedPercent: settings.exclusions.maxFlaggedTimedPercent ?? 20,
    medianMs: settings.exclusions.minMedianResponseMs ?? 200,
    fast: settings.exclusions.fastAnswers ?? { belowMs: 150, maxPercent: 25 },
  });
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [saving, setSaving] = useState(false);

  const edit = <T,>(set: (update: (current: T) => T) => void) => (patch: Partial<T>) => {
    setSaved(false);
    set((current) => ({ ...current, ...patch }));
  };
  const editExclusions = edit(setExclusions);
  const editLive = edit(setLive);
  const editLimits = edit(setLimits);

  async function save() {
    setSaving(true);
    setError(null);
    try {
      await sendJson(`/api/studies/${studyId}`, "PATCH", { analysis: { exclusions, live } });
      setSaved(true);
      router.refresh();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  }

  return (
    <div className="space-y-6" data-testid="analysis-settings">
      <p className="text-sm text-zinc-600">
        These settings change only how the answers are analysed, never what annotators see, so they stay editable while the study is live. Every answer is kept
        in the exports; the results page lists who each rule excluded and prints the <code>npm run score</code> command that applies the same rules.
      </p>
      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-zinc-900">Exclude an evaluator when…</legend>
        <Toggle id="exclude-qualification" checked={exclusions.failedQualification} onChange={(failedQualification) => editExclusions({ failedQualification })}>
          they failed the qualification
        </Toggle>
        <Toggle
          id="exclude-flagged"
          checked={exclusions.maxFlaggedTimedPercent !== null}
          onChange={(on) => editExclusions({ maxFlaggedTimedPercent: on ? limits.flaggedPercent : null })}
        >
          more than a share of their timed trials carry a timing or focus flag (missed frames, lost focus, hidden page…)
        </Toggle>
        {exclusions.maxFlaggedTimedPercent !== null ? (
          <NumberSetting id="flagged-percent" label="Largest share of flagged timed trials (%)" min={0} max={100} value={exclusions.maxFlaggedTimedPercent} onChange={(v) => { editLimits({ flaggedPercent: v }); editExclusions({ maxFlaggedTimedPercent: v }); }} />
        ) : null}
        <Toggle id="exclude-median" checked={exclusions.minMedianResponseMs !== null} onChange={(on) => editExclusions({ minMedianResponseMs: on ? limits.medianMs : null })}>
          their median response time is implausibly short
        </Toggle>
        {exclusions.minMedianResponseMs !== null ? (
          <NumberSetting
            id="median-ms"
            label="Shortest median response time (ms)"
            hint="From stimulus onset to the answer; for timed trials it includes the exposure and the masks."
            min={0}
            max={60_000}
            value={exclusions.minMedianResponseMs}
            onChange={(v) => { editLimits({ medianMs: v }); editExclusions({ minMedianResponseMs: v }); }}
          />
        ) : null}
        <Toggle id="exclude-fast" checked={exclusions.fastAnswers !== null} onChange={(on) => editExclusions({ fastAnswers: on ? limits.fast : null })}>
          too many of their answers are implausibly fast
        </Toggle>
        {exclusions.fastAnswers !== null ? (
          <div className="grid gap-4 sm:grid-cols-2">
            <NumberSetting id="fast-ms" label="An answer is fast below (ms)" min={0} max={60_000} value={exclusions.fastAnswers.belowMs} onChange={(belowMs) => { const fast = { ...exclusions.fastAnswers!, belowMs }; editLimits({ fast }); editExclusions({ fastAnswers: fast }); }} />
            <NumberSetting id="fast-percent" label="Largest share of fast answers (%)" min={0} max={100} value={exclusions.fastAnswers.maxPercent} onChange={(maxPercent) => { const fast = { ...exclusions.fastAnswers!, maxPercent }; editLimits({ fast }); editExclusions({ fastAnswers: fast }); }} />
          </div>
        ) : null}
      </fieldset>
      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-zinc-900">Live monitoring</legend>
        <p className="text-sm text-zinc-600">The live dashboard compares each arm&apos;s current 95% CI width (upper − lower) with these targets.</p>
        <div className="grid gap-4 sm:grid-cols-3">
          <NumberSetting id="target-ms" label="Target CI width, HYPE_time (ms)" min={0.1} max={10_000} value={live.targetCiWidthMs} onChange={(targetCiWidthMs) => editLive({ targetCiWidthMs })} />
          <NumberSetting id="target-percent" label="Target CI width, HYPE_∞ (points)" min={0.1} max={100} value={live.targetCiWidthPercent} onChange={(targetCiWidthPercent) => editLive({ targetCiWidthPercent })} />
          <NumberSetting id="min-evaluators" label="Evaluators before an arm may stop" min={2} max={10_000} value={live.minEvaluatorsToStop} onChange={(minEvaluatorsToStop) => editLive({ minEvaluatorsToStop: Math.round(minEvaluatorsToStop) })} />
        </div>
        <Toggle id="stop-when-narrower" checked={live.stopWhenNarrower} onChange={(stopWhenNarrower) => editLive({ stopWhenNarrower })}>
          Stop an arm when its CI is narrower than the target: it takes no new evaluators (sessions already running finish) while the others go on.
        </Toggle>
        {live.stopWhenNarrower ? (
          <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            Stopping when the interval is narrow is optional stopping: the final 95% intervals then cover the true score slightly less often than 95%. Fix the
            targets before launch and report that you used this rule.
          </p>
        ) : null}
      </fieldset>
      <FormError message={error} />
      <div className="flex items-center gap-3">
        <Button type="button" onClick={save} disabled={saving}>
          {saving ? "Saving…" : "Save analysis settings"}
        </Button>
        {saved ? <span className="text-sm text-emerald-700">Saved.</span> : null}
      </div>
    </div>
  );
}
