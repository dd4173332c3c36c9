"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { convergencePoint } from "@/lib/hype/convergence";
import { HYPE_TIME_STAIRCASE } from "@/lib/hype/staircase-params";
import type { StudyConfig } from "@/lib/studies/config";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { sendJson } from "@/components/send-json";

export type EditableStudy = {
  id: string;
  status: string;
  name: string;
  description: string;
  instructions: string;
  consentText: string;
  protocols: ("HYPE_TIME" | "HYPE_INFINITY" | "QUALIFICATION")[];
  config: StudyConfig;
  feedback: boolean;
  qualificationRequired: boolean;
  qualificationDomain: string | null;
  recruitment: "OPEN_LINK" | "INVITE_ONLY" | "PROLIFIC";
  prolificCompletionCode: string | null;
  realImageSetId: string | null;
  linkCode: string;
  arms: { name: string; generatedSetId: string; targetEvaluators: number }[];
};
export type SetOption = { id: string; name: string; label: "REAL" | "GENERATED"; images: number; size: string | null };

type MsRule = { startMs: number; minMs: number; maxMs: number; stepUpMs: number; stepDownMs: number; nDown: number; nUp: number };
const PRESET: MsRule = HYPE_TIME_STAIRCASE;

const input = "block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm disabled:bg-zinc-50 disabled:text-zinc-500";
const label = "block text-sm font-medium text-zinc-800";

function NumberField({ id, text, value, onChange, disabled, min, max, step }: { id: string; text: string; value: number; onChange(value: number): void; disabled: boolean; min?: number; max?: number; step?: number }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className={label}>
        {text}
      </label>
      <input id={id} type="number" className={input} value={Number.isFinite(value) ? value : ""} min={min} max={max} step={step ?? 1} disabled={disabled} onChange={(event) => onChange(event.target.valueAsNumber)} />
    </div>
  );
}

function Section({ title, hint, children }: { title: string; hint?: string; children: React.ReactNode }) {
  return (
    <fieldset className="space-y-4 rounded-xl border border-zinc-200 bg-white p-6 shadow-sm">
      <legend className="px-1 text-base font-semibold">{title}</legend>
      {hint ? <p className="-mt-2 text-sm text-zinc-600">{hint}</p> : null}
      {children}
    </fieldset>
  );
}

/**
 * The study wizard on one page: sensible HYPE defaults, an advanced staircase with its theoretical
 * convergence point, arms, images, recruitment and texts. Design fields lock once the study is live.
 */
export function StudyEditor({ study, sets, origin }: { study: EditableStudy; sets: SetOption[]; origin: string }) {
  const router = useRouter();
  const draft = study.status === "DRAFT";
  const [form, setForm] = useState(study);
  const [rule, setRule] = useState<MsRule | "hype">(
    study.config.hypeTime.staircase === "hype" ? "hype" : study.config.hypeTime.staircase.unit === "ms" ? study.config.hypeTime.staircase : "hype",
  );
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [saving, setSaving] = useState(false);

  const config = form.config;
  const setConfig = (patch: Partial<StudyConfig>) => setForm((current) => ({ ...current, config: { ...current.config, ...patch } }));
  const activeRule = rule === "hype" ? PRESET : rule;
  const converges = convergencePoint({ stepUp: activeRule.stepUpMs, stepDown: activeRule.stepDownMs, nDown: activeRule.nDown, nUp: activeRule.nUp });
  const realSets = sets.filter((set) => set.label === "REAL");
  const generatedSets = sets.filter((set) => set.label === "GENERATED");
  const toggleProtocol = (protocol: "HYPE_TIME" | "HYPE_INFINITY", on: boolean) =>
    setForm((current) => ({ ...current, protocols: on ? [...new Set([...current.protocols, protocol])] : current.protocols.filter((p) => p !== protocol) }));

  async function save(event: React.FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    setSaved(false);
    const texts = { name: form.name, description: form.description, instructions: form.instructions, consentText: form.consentText };
    try {
      if (draft) {
        await sendJson(`/api/studies/${study.id}`, "PATCH", {
          ...texts,
          protocols: form.protocols.filter((protocol) => protocol !== "QUALIFICATION"),
          // The analysis settings have their own form (AnalysisSettingsForm); left out, the stored ones stay.
          config: { ...config, analysis: undefined, hypeTime: { ...config.hypeTime, staircase: rule === "hype" ? "hype" : { unit: "ms", ...rule } } },
          feedback: form.feedback,
          qualificationRequired: form.qualificationRequired,
          qualificationDomain: form.qualificationDomain || null,
          recruitment: form.recruitment,
          prolificCompletionCode: form.prolificCompletionCode || null,
          realImageSetId: form.realImageSetId || null,
        });
        await sendJson(`/api/studies/${study.id}/arms`, "PUT", { arms: form.arms.filter((arm) => arm.name || arm.generatedSetId) });
      } else {
        await sendJson(`/api/studies/${study.id}`, "PATCH", texts);
      }
      setSaved(true);
      router.refresh();
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setSaving(false);
    }
  }

  const prolificLink = `${origin}/s/${study.linkCode}?PROLIFIC_PID={{%PROLIFIC_PID%}}&STUDY_ID={{%STUDY_ID%}}&SESSION_ID={{%SESSION_ID%}}`;

  return (
    <form onSubmit={save} className="space-y-6" aria-label="Study setup">
      {!draft ? (
        <p className="rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900">
          The study is {study.status.toLowerCase()}: its design is locked so that every evaluator gets the same protocol. Texts can still change.
        </p>
      ) : null}

      <Section title="Basics">
        <div className="space-y-1">
          <label htmlFor="name" className={label}>Name</label>
          <input id="name" className={input} value={form.name} onChange={(event) => setForm({ ...form, name: event.target.value })} required />
        </div>
        <div className="space-y-1">
          <label htmlFor="description" className={label}>Description</label>
          <textarea id="description" className={input} rows={2} value={form.description} onChange={(event) => setForm({ ...form, description: event.target.value })} />
        </div>
        <div className="flex flex-wrap gap-6 text-sm">
          {(["HYPE_TIME", "HYPE_INFINITY"] as const).map((protocol) => (
            <label key={protocol} className="flex items-center gap-2">
              <input type="checkbox" disabled={!draft} checked={form.protocols.includes(protocol)} onChange={(event) => toggleProtocol(protocol, event.target.checked)} />
              {protocol === "HYPE_TIME" ? "HYPE_time (adaptive exposure, ms)" : "HYPE_∞ (untimed error rate, %)"}
            </label>
          ))}
        </div>
      </Section>

      <Section title="Images and arms" hint="One arm per model under test. Evaluators are assigned to one arm each, balanced, until each arm has its target.">
        <div className="space-y-1">
          <label htmlFor="real-set" className={label}>Real images</label>
          <select id="real-set" className={input} disabled={!draft} value={form.realImageSetId ?? ""} onChange={(event) => setForm({ ...form, realImageSetId: event.target.value || null })}>
            <option value="">Choose a set of real images…</option>
            {realSets.map((set) => (
              <option key={set.id} value={set.id}>{`${set.name} (${set.images} images${set.size ? `, ${set.size}` : ""})`}</option>
            ))}
          </select>
        </div>
        <table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-zinc-500">
            <tr>
              <th className="py-1">Arm (model)</th>
              <th>Generated images</th>
              <th>Evaluators wanted</th>
              <th className="sr-only">Remove</th>
            </tr>
          </thead>
          <tbody>
            {form.arms.map((arm, index) => (
              <tr key={index}>
                <td className="py-1 pr-2">
                  <input aria-label={`Arm ${index + 1} name`} className={input} disabled={!draft} value={arm.name} onChange={(event) => setForm({ ...form, arms: form.arms.map((a, i) => (i === index ? { ...a, name: event.target.value } : a)) })} />
                </td>
                <td className="pr-2">
                  <select aria-label={`Arm ${index + 1} generated images`} className={input} disabled={!draft} value={arm.generatedSetId} onChange={(event) => setForm({ ...form, arms: form.arms.map((a, i) => (i === index ? { ...a, generatedSetId: event.target.value } : a)) })}>
                    <option value="">Choose…</option>
                    {generatedSets.map((set) => (
                      <option key={set.id} value={set.id}>{`${set.name} (${set.images})`}</option>
                    ))}
                  </select>
                </td>
                <td className="w-36 pr-2">
                  <input aria-label={`Arm ${index + 1} evaluators wanted`} type="number" min={1} className={input} disabled={!draft} value={arm.targetEvaluators} onChange={(event) => setForm({ ...form, arms: form.arms.map((a, i) => (i === index ? { ...a, targetEvaluators: event.target.valueAsNumber } : a)) })} />
                </td>
                <td>
                  {draft ? (
                    <button type="button" className="text-sm text-zinc-500 hover:text-red-700" onClick={() => setForm({ ...form, arms: form.arms.filter((_, i) => i !== index) })}>
                      Remove
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {draft ? (
          <Button type="button" variant="secondary" onClick={() => setForm({ ...form, arms: [...form.arms, { name: `Model ${String.fromCharCode(65 + form.arms.length)}`, generatedSetId: "", targetEvaluators: 30 }] })}>
            Add arm
          </Button>
        ) : null}
        {sets.length === 0 ? <p className="text-sm text-zinc-600">No image sets yet: upload real and generated images under Image sets first.</p> : null}
      </Section>

      <Section title="Protocol" hint="Defaults follow the HYPE paper: 3 blocks of 150 trials, staircase from 500 ms in 100–1000 ms.">
        <div className="grid gap-4 sm:grid-cols-3">
          <NumberField id="blocks" text="HYPE_time blocks" value={config.hypeTime.blocks} min={1} max={10} disabled={!draft} onChange={(blocks) => setConfig({ hypeTime: { ...config.hypeTime, blocks } })} />
          <NumberField id="trials-per-block" text="Trials per block" value={config.hypeTime.trialsPerBlock} min={2} disabled={!draft} onChange={(trialsPerBlock) => setConfig({ hypeTime: { ...config.hypeTime, trialsPerBlock } })} />
          <NumberField id="inf-trials" text="HYPE_∞ trials" value={config.hypeInfinity.trials} min={2} disabled={!draft} onChange={(trials) => setConfig({ hypeInfinity: { trials } })} />
        </div>
        <div className="space-y-2">
          <span className={label}>Staircase rule</span>
          <div className="flex gap-6 text-sm">
            <label className="flex items-center gap-2">
              <input type="radio" name="rule" disabled={!draft} checked={rule === "hype"} onChange={() => setRule("hype")} /> HYPE preset (+30 ms after an error, −10 ms after a correct answer)
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="rule" disabled={!draft} checked={rule !== "hype"} onChange={() => setRule({ ...PRESET })} /> Custom
            </label>
          </div>
          {rule !== "hype" ? (
            <div className="grid gap-3 sm:grid-cols-4">
              {(["startMs", "minMs", "maxMs", "stepUpMs", "stepDownMs", "nDown", "nUp"] as const).map((key) => (
                <NumberField key={key} id={`rule-${key}`} text={key} value={rule[key]} min={key.startsWith("n") ? 1 : 1} disabled={!draft} onChange={(value) => setRule({ ...rule, [key]: value })} />
              ))}
            </div>
          ) : null}
          <p className="text-sm text-zinc-600" data-testid="convergence">
            Converges where evaluators answer correctly {Number.isFinite(converges) ? `${(converges * 100).toFixed(1)}%` : "—"} of the time (p = (Δup/(Δup+Δdown))^(1/nDown)).
          </p>
        </div>
        <div className="grid gap-4 sm:grid-cols-4">
          <div className="space-y-1">
            <label htmlFor="key-real" className={label}>Key for “real”</label>
            <input id="key-real" maxLength={1} className={input} disabled={!draft} value={config.keys.real} onChange={(event) => setConfig({ keys: { ...config.keys, real: event.target.value.toLowerCase() } })} />
          </div>
          <div className="space-y-1">
            <label htmlFor="key-generated" className={label}>Key for “generated”</label>
            <input id="key-generated" maxLength={1} className={input} disabled={!draft} value={config.keys.generated} onChange={(event) => setConfig({ keys: { ...config.keys, generated: event.target.value.toLowerCase() } })} />
          </div>
          <NumberField id="min-width" text="Minimum window width" value={config.minWindow.width} min={200} disabled={!draft} onChange={(width) => setConfig({ minWindow: { ...config.minWindow, width } })} />
          <NumberField id="min-height" text="Minimum window height" value={config.minWindow.height} min={200} disabled={!draft} onChange={(height) => setConfig({ minWindow: { ...config.minWindow, height } })} />
        </div>
        <div className="flex flex-wrap gap-6 text-sm">
          <label className="flex items-center gap-2">
            <input type="checkbox" disabled={!draft} checked={form.feedback} onChange={(event) => setForm({ ...form, feedback: event.target.checked })} /> Feedback (correct/incorrect) after each answer
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" disabled={!draft} checked={config.rerunFlagged} onChange={(event) => setConfig({ rerunFlagged: event.target.checked })} /> Re-run trials with missed frames or lost focus
          </label>
        </div>
      </Section>

      <Section title="Qualification" hint="100 untimed images; pass with ≥ 65% correct on real and on generated images. A pass is reused by studies of the same domain.">
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" disabled={!draft} checked={form.qualificationRequired} onChange={(event) => setForm({ ...form, qualificationRequired: event.target.checked })} /> Require qualification
        </label>
        {form.qualificationRequired ? (
          <div className="grid gap-4 sm:grid-cols-2">
            <div className="space-y-1">
              <label htmlFor="domain" className={label}>Image domain</label>
              <input id="domain" className={input} disabled={!draft} placeholder="e.g. ffhq-faces" value={form.qualificationDomain ?? ""} onChange={(event) => setForm({ ...form, qualificationDomain: event.target.value })} />
            </div>
            <NumberField id="qual-trials" text="Qualification trials" value={config.qualification.trials} min={2} disabled={!draft} onChange={(trials) => setConfig({ qualification: { ...config.qualification, trials } })} />
          </div>
        ) : null}
      </Section>

      <Section title="Recruitment">
        <div className="flex flex-wrap gap-6 text-sm">
          {(
            [
              ["OPEN_LINK", "Open link"],
              ["INVITE_ONLY", "Invite only"],
              ["PROLIFIC", "Prolific"],
            ] as const
          ).map(([value, text]) => (
            <label key={value} className="flex items-center gap-2">
              <input type="radio" name="recruitment" disabled={!draft} checked={form.recruitment === value} onChange={() => setForm({ ...form, recruitment: value })} /> {text}
            </label>
          ))}
        </div>
        {form.recruitment === "PROLIFIC" ? (
          <div className="space-y-3">
            <div className="space-y-1">
              <label htmlFor="completion-code" className={label}>Prolific completion code</label>
              <input id="completion-code" className={input} disabled={!draft} value={form.prolificCompletionCode ?? ""} onChange={(event) => setForm({ ...form, prolificCompletionCode: event.target.value })} />
            </div>
            <p className="text-sm text-zinc-600">Study URL for Prolific (annotators return with the code after every answer is saved):</p>
            <code className="block break-all rounded-md bg-zinc-100 px-3 py-2 font-mono text-xs" data-testid="prolific-link">{prolificLink}</code>
          </div>
        ) : null}
      </Section>

      <Section title="Texts annotators read">
        <div className="space-y-1">
          <label htmlFor="instructions" className={label}>Instructions</label>
          <textarea id="instructions" rows={4} className={input} value={form.instructions} onChange={(event) => setForm({ ...form, instructions: event.target.value })} />
        </div>
        <div className="space-y-1">
          <label htmlFor="consent" className={label}>Consent</label>
          <textarea id="consent" rows={4} className={input} value={form.consentText} onChange={(event) => setForm({ ...form, consentText: event.target.value })} />
        </div>
      </Section>

      <div className="sticky bottom-0 flex items-center gap-4 border-t border-zinc-200 bg-zinc-50/95 py-4">
        <Button type="submit" disabled={saving}>{saving ? "Saving…" : "Save"}</Button>
        {saved ? <span className="text-sm text-emerald-700" role="status">Saved.</span> : null}
        <div className="flex-1"><FormError message={error} /></div>
      </div>
    </form>
  );
}
