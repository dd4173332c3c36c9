"use client";

import { useEffect, useState } from "react";
import type { StudyProgress } from "@/lib/studies/progress";
import { LiveScores } from "./live-scores";

const POLL_MS = 5000;

/** Evaluators per arm against their target, answers per minute and the live scores, refreshed every few seconds. */
export function LiveProgress({ studyId }: { studyId: string }) {
  const [progress, setProgress] = useState<StudyProgress | null>(null);
  const [stale, setStale] = useState(false);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      try {
        const response = await fetch(`/api/studies/${studyId}/progress`, { cache: "no-store" });
        if (!response.ok) throw new Error(String(response.status));
        const payload = (await response.json()) as { progress: StudyProgress };
        if (!stopped) {
          setProgress(payload.progress);
          setStale(false);
        }
      } catch {
        if (!stopped) setStale(true);
      }
      if (!stopped) timer = setTimeout(poll, document.hidden ? POLL_MS * 4 : POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [studyId]);

  if (!progress) return <p className="text-sm text-zinc-500">Loading progress…</p>;
  const flagEntries = Object.entries(progress.flags);
  return (
    <div className="space-y-4" data-testid="live-progress">
      <ul className="space-y-3">
        {progress.arms.map((arm) => (
          <li key={arm.id}>
            <div className="flex justify-between text-sm">
              <span className="font-medium">{arm.name}</span>
              <span className="tabular-nums text-zinc-600">
                {arm.finished} finished · {arm.started} started{arm.disqualified ? ` · ${arm.disqualified} screened out` : ""} / {arm.target}
              </span>
            </div>
            <div className="mt-1 h-2 overflow-hidden rounded-full bg-zinc-100" role="progressbar" aria-label={`${arm.name}: evaluators finished`} aria-valuemin={0} aria-valuemax={arm.target} aria-valuenow={arm.finished}>
              <div className="h-full bg-emerald-500" style={{ width: `${Math.min(100, (arm.finished / arm.target) * 100)}%` }} />
            </div>
          </li>
        ))}
      </ul>
      <p className="text-sm text-zinc-600">
        <span className="tabular-nums font-medium text-zinc-900">{progress.answers.lastMinute}</span> answers in the last minute ·{" "}
        <span className="tabular-nums">{progress.answers.lastFiveMinutes}</span> in five · <span className="tabular-nums">{progress.answers.total}</span> in all
      </p>
      {progress.live ? <LiveScores live={progress.live} /> : null}
      {flagEntries.length > 0 ? (
        <p className="text-sm text-amber-800">Flagged trials: {flagEntries.map(([flag, count]) => `${flag.replace("_", " ")} ${count}`).join(" · ")}</p>
      ) : null}
      <p className="text-xs text-zinc-400">{stale ? "Connection lost — retrying." : `Updated ${new Date(progress.updatedAt).toLocaleTimeString()}`}</p>
    </div>
  );
}
