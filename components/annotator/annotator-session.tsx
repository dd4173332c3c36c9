"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import { getAnswerQueue } from "@/components/trial/answer-queue";
import { TrialProgress, TrialStage } from "@/components/trial/trial-stage";
import type { AnswerOutcome, TrialAnswer, TrialSpec } from "@/lib/sessions/contract";
import { useAnswerQueueState } from "@/components/trial/use-answer-queue";
import { Button } from "@/components/ui/button";
import { BlockBreak } from "./block-break";
import { Completion } from "./completion";
import { DeviceCheck } from "./device-check";
import { practiceTrials } from "./practice";
import { fetchNext, SessionApiError, startSession, type SessionView } from "./session-api";

type Phase =
  | { kind: "loading"; message?: string }
  | { kind: "error"; message: string }
  | { kind: "device" }
  | { kind: "tutorial"; step: number }
  | { kind: "break"; spec: TrialSpec }
  | { kind: "trial"; spec: TrialSpec }
  | { kind: "finished" };

const FINISHED = ["COMPLETED", "DISQUALIFIED"];
const tutorialKey = (sessionId: string) => `percept:tutorial:${sessionId}`;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


/**
 * The annotator's whole session: device check → tutorial → trials with breaks → completion.
 * The server decides every trial; answers go through a durable queue (localStorage, retried until
 * acknowledged), so a reload, a closed tab or a dropped connection loses nothing and resumes at
 * the same trial.
 */
export function AnnotatorSession({ linkCode, studyName }: { linkCode: string; studyName: string }) {
  const [session, setSession] = useState<SessionView | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: "loading" });
  const queue = useMemo(() => (session ? getAnswerQueue(session.id) : null), [session]);
  const queueState = useAnswerQueueState(queue);

  const loadNext = useCallback(async (view: SessionView, afterBreak = false) => {
    setPhase({ kind: "loading" });
    await getAnswerQueue(view.id).flush(); // the server must have every answer before it can step the staircase
    for (let attempt = 0; ; attempt++) {
      try {
        const next = await fetchNext(view.id);
        if ("done" in next) {
          setSession(next.session);
          setPhase({ kind: "finished" });
          return;
        }
        const { trial } = next;
        const newBlock = trial.blockTrial === 0 && trial.index > 0;
        setPhase(newBlock && !afterBreak ? { kind: "break", spec: trial } : { kind: "trial", spec: trial });
        return;
      } catch (error) {
        if (error instanceof SessionApiError && error.status !== null && error.status < 500) {
          setPhase({ kind: "error", message: error.message });
          return;
        }
        setPhase({ kind: "loading", message: "Reconnecting… your answers are safe." });
        await wait(Math.min(15_000, 1000 * 2 ** attempt));
      }
    }
  }, []);

  const route = useCallback(
    (view: SessionView) => {
      setSession(view);
      if (FINISHED.includes(view.status)) {
        void getAnswerQueue(view.id).flush().then(() => setPhase({ kind: "finished" }));
      } else if (view.needsDeviceCheck) setPhase({ kind: "device" });
      else if (view.answered === 0 && !window.localStorage.getItem(tutorialKey(view.id))) setPhase({ kind: "tutorial", step: 0 });
      else void loadNext(view);
    },
    [loadNext],
  );

  useEffect(() => {
    startSession(linkCode).then(
      ({ session: view }) => route(view),
      (error: Error) => setPhase({ kind: "error", message: error.message }),
    );
  }, [linkCode, route]);

  const submit = useCallback(
    async (answer: TrialAnswer) => {
      const outcome = (await getAnswerQueue(session!.id).submit(answer)) as AnswerOutcome;
      setSession((current) => (current ? { ...current, answered: outcome.answered, total: outcome.total, status: outcome.status } : current));
      return { correct: outcome.correct };
    },
    [session],
  );

  const refreshHz = session?.refreshHz ?? null;
  const keys = session?.keys ?? null;
  const practice = useMemo(() => (refreshHz && keys ? practiceTrials(keys, refreshHz) : []), [refreshHz, keys]);

  if (phase.kind === "finished" && session) return <Completion session={session} />;

  return (
    <div className="mx-auto flex min-h-[80vh] max-w-5xl flex-col gap-4" aria-label={`Study: ${studyName}`}>
      {queueState.pending > 0 && queueState.lastError ? (
        <p role="status" className="rounded-md bg-amber-100 px-4 py-2 text-sm text-amber-900" data-testid="offline-banner">
          Connection lost — {queueState.pending} answer{queueState.pending === 1 ? " is" : "s are"} saved in this browser and will be sent
          when you are back online.
        </p>
      ) : null}
      {queueState.failures.length > 0 ? (
        <p role="alert" className="rounded-md bg-red-100 px-4 py-2 text-sm text-red-900">
          The server refused an answer: {queueState.failures[0]!.message}. Reload the page to continue.
        </p>
      ) : null}

      {phase.kind === "loading" ? (
        <p className="py-24 text-center text-zinc-300" role="status">
          {phase.message ?? "Loading…"}
        </p>
      ) : null}
      {phase.kind === "error" ? (
        <div className="mx-auto max-w-md rounded-xl bg-white p-8 text-center shadow-sm" role="alert">
          <p className="font-medium">{phase.message}</p>
          <Button className="mt-4" onClick={() => window.location.reload()}>
            Try again
          </Button>
        </div>
      ) : null}
      {phase.kind === "device" && session ? <DeviceCheck session={session} onDone={(view) => route(view)} /> : null}

      {phase.kind === "tutorial" && session && practice[phase.step] ? (
        <div data-testid="tutorial">
          <p className="mb-3 text-center text-sm text-zinc-200">
            Practice {phase.step + 1} of {practice.length}: smooth colour fields are “real”, blocky noise is “generated” (in the study,
            real photographs and generated images). Answer with {session.keys.real.toUpperCase()} or {session.keys.generated.toUpperCase()}.
          </p>
          <TrialStage
            key={`practice-${phase.step}`}
            spec={practice[phase.step]!.spec}
            hz={session.refreshHz!}
            feedback
            onAnswered={async (answer) => ({ correct: answer.answer === practice[phase.step]!.label })}
            onFinished={() => {
              if (phase.step + 1 < practice.length) setPhase({ kind: "tutorial", step: phase.step + 1 });
              else {
                window.localStorage.setItem(tutorialKey(session.id), "done");
                void loadNext(session);
              }
            }}
          />
        </div>
      ) : null}

      {phase.kind === "break" && session ? (
        <BlockBreak block={phase.spec.block + 1} blocks={session.blocks.length} onContinue={() => setPhase({ kind: "trial", spec: phase.spec })} />
      ) : null}

      {phase.kind === "trial" && session ? (
        <div className="overflow-hidden rounded-xl" data-testid="trial">
          <TrialProgress spec={phase.spec} blocks={session.blocks.length} />
          <TrialStage
            key={phase.spec.index}
            spec={phase.spec}
            hz={session.refreshHz ?? 60}
            feedback={session.feedback}
            onAnswered={submit}
            onFinished={() => void loadNext(session)}
          />
        </div>
      ) : null}
    </div>
  );
}
