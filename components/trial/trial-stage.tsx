"use client";

/**
 * TrialStage: one HYPE trial in the browser. Preloads and fully decodes the stimulus and masks,
 * runs the 3-2-1 countdown, presents the stimulus for exactly the server's number of frames
 * (outside React: from a dedicated worker on an OffscreenCanvas when the browser supports it,
 * worker-presenter.ts, else on the main thread, presenter.ts), then asks "real or generated?" with two buttons and the keys
 * from the spec. The verdict for feedback comes from the server (the client never knows the label):
 * it is whatever onAnswered resolves with.
 *
 * Render it with `key={spec.index}` so each trial gets a fresh component.
 */
import { useEffect, useEffectEvent, useRef, useState, type CSSProperties } from "react";
import { runCountdown } from "./countdown";
import { mergeFlags } from "./frame-timing";
import {
  DEFAULT_BACKGROUND,
  loadTrialImages,
  mainThreadPresenter,
  naturalSize,
  releaseTrialImages,
  watchAttention,
  type PresentationResult,
  type Presenter,
  type TrialImages,
} from "./presenter";
import { TRIAL_FLAGS, type TrialAnswer, type TrialSpec } from "./types";
import { getPresenter } from "./worker-presenter";

export type TrialStageProps = {
  spec: TrialSpec;
  /** The session's measured refresh rate (measureRefreshRate during the device check). */
  hz: number;
  /** Show "Correct"/"Incorrect" when onAnswered resolves with `{ correct }`. */
  feedback: boolean;
  /** Called once per trial with the answer; should resolve when the server has stored it. */
  onAnswered(answer: TrialAnswer): Promise<{ correct?: boolean } | void>;
  /** Called after the answer is stored and any feedback has been shown: time to show the next trial. */
  onFinished?(answer: TrialAnswer): void;
  /** How long feedback stays up (default 600 ms). */
  feedbackMs?: number;
  className?: string;
};

type Phase = "loading" | "countdown" | "waiting" | "presenting" | "prompt" | "submitting" | "feedback" | "done" | "error";
type Choice = { answer: TrialAnswer["answer"]; at: number };
type Deferred<T> = { promise: Promise<T>; resolve(value: T): void; settled: boolean };

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  const d: Deferred<T> = {
    promise,
    settled: false,
    resolve(value: T) {
      if (d.settled) return;
      d.settled = true;
      resolve(value);
    },
  };
  return d;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => clearTimeout(t), { once: true });
  });
}

/** Stimuli are normalised to one size; remembering it keeps the canvas box steady between trials. */
let lastStimulusSize: { width: number; height: number } | null = null;

function keyLabel(key: string): string {
  return key.length === 1 ? key.toUpperCase() : key;
}

export function TrialStage({ spec, hz, feedback, onAnswered, onFinished, feedbackMs = 600, className = "" }: TrialStageProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const phaseRef = useRef<Phase>("loading");
  const choiceRef = useRef<Deferred<Choice> | null>(null);
  const retryRef = useRef<Deferred<void> | null>(null);
  const [phase, setPhase] = useState<Phase>("loading");
  const [count, setCount] = useState(0);
  const [size, setSize] = useState(lastStimulusSize);
  const [verdict, setVerdict] = useState<boolean | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [presenterKind, setPresenterKind] = useState<Presenter["kind"] | null>(null);

  // The effect restarts only when the trial itself changes, not when the parent re-creates the object.
  const specKey = JSON.stringify(spec);

  const answered = useEffectEvent((answer: TrialAnswer) => onAnswered(answer));
  const finished = useEffectEvent((answer: TrialAnswer) => onFinished?.(answer));

  useEffect(() => {
    const trial = JSON.parse(specKey) as TrialSpec;
    const controller = new AbortController();
    const { signal } = controller;
    const attention = watchAttention();
    const extraFlags: string[] = [];
    let images: TrialImages | null = null;
    // The canvas of this attempt (a new one per attempt: one given to the worker cannot come back).
    const canvas = canvasRef.current;
    // The worker presenter when this browser runs it (the handshake takes a few ms, once per page),
    // else the main-thread one. It takes the canvas over during the countdown. If the choice is not
    // made when the countdown ends, this trial uses the main thread rather than start late.
    let presenter: Presenter | null = null;
    let committed = false;
    getPresenter().then(
      (p) => {
        if (signal.aborted || committed || !canvas) return;
        try {
          p.prepare(canvas);
          presenter = p;
        } catch {
          presenter = mainThreadPresenter;
        }
      },
      () => {},
    );
    choiceRef.current = deferred<Choice>();
    const go = (p: Phase) => {
      if (signal.aborted) return;
      phaseRef.current = p;
      setPhase(p);
    };

    const run = async () => {
      const loading = loadTrialImages(trial, { signal }).then((imgs) => {
        images = imgs;
        if (signal.aborted) releaseTrialImages(imgs);
        return imgs;
      });
      let loaded = false;
      loading.then(
        () => (loaded = true),
        () => {},
      );
      await Promise.resolve();
      go("countdown");
      for (;;) {
        await runCountdown(trial.countdown, (n) => !signal.aborted && setCount(n), signal);
        if (loaded) break;
        // Never show a half-loaded stimulus, and never start it late after "1": wait, then count again.
        if (!extraFlags.includes(TRIAL_FLAGS.slowLoad)) extraFlags.push(TRIAL_FLAGS.slowLoad);
        go("waiting");
        await loading;
        go("countdown");
      }
      const imgs = await loading;
      const stimulusSize = naturalSize(imgs.stimulus);
      lastStimulusSize = stimulusSize;
      setSize(stimulusSize);
      if (!canvas) throw new Error("canvas not mounted");
      committed = true;
      const active: Presenter = presenter ?? mainThreadPresenter;
      setPresenterKind(active.kind);

      const choice = choiceRef.current!;
      let result: PresentationResult;
      go("presenting");
      if (trial.exposure) {
        result = await active.present(canvas, trial, imgs, hz, { signal, transferImages: true });
        go("prompt");
      } else {
        // Untimed: the stimulus stays up until the answer; the prompt shows with it.
        const presentation = active.present(canvas, trial, imgs, hz, {
          signal,
          transferImages: true,
          until: choice.promise,
          onOnset: () => go("prompt"),
        });
        await choice.promise;
        result = await presentation;
      }
      const { answer: value, at } = await choice.promise;
      attention.stop();
      const answer: TrialAnswer = {
        index: trial.index,
        answer: value,
        requestedFrames: trial.exposure ? trial.exposure.frames : null,
        presentedFrames: result.presentedFrames,
        measuredMs: result.measuredMs,
        refreshHz: hz,
        flags: mergeFlags(result.flags, attention.flags(), extraFlags),
        clientTimes: { stimulusOnset: result.stimulusOnset, stimulusOffset: result.stimulusOffset, responseAt: at },
      };

      go("submitting");
      let outcome: { correct?: boolean } | void;
      for (;;) {
        const slow = setTimeout(() => !signal.aborted && setMessage("Saving your answer…"), 500);
        try {
          outcome = await answered(answer);
          clearTimeout(slow);
          setMessage(null);
          break;
        } catch (error) {
          clearTimeout(slow);
          if (signal.aborted) return;
          setMessage(`Your answer could not be saved (${error instanceof Error ? error.message : String(error)}).`);
          retryRef.current = deferred<void>();
          go("error");
          await retryRef.current.promise;
          setMessage(null);
          go("submitting");
        }
      }
      if (signal.aborted) return;
      if (feedback && outcome && typeof outcome.correct === "boolean") {
        setVerdict(outcome.correct);
        go("feedback");
        await sleep(feedbackMs, signal);
        if (signal.aborted) return;
      }
      go("done");
      finished(answer);
    };

    run().catch((error: unknown) => {
      if (signal.aborted) return;
      attention.stop();
      setMessage(`This trial could not be shown (${error instanceof Error ? error.message : String(error)}).`);
      retryRef.current = null;
      phaseRef.current = "error";
      setPhase("error");
    });

    return () => {
      controller.abort();
      attention.stop();
      releaseTrialImages(images);
      if (canvas) (presenter as Presenter | null)?.release(canvas);
    };
  }, [specKey, hz, feedback, feedbackMs, attempt]);

  const choose = (value: TrialAnswer["answer"], at: number) => {
    if (phaseRef.current !== "prompt") return;
    const d = choiceRef.current;
    if (!d || d.settled) return;
    phaseRef.current = "submitting";
    setPhase("submitting");
    d.resolve({ answer: value, at });
  };

  const onKey = useEffectEvent((event: KeyboardEvent) => {
    if (event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.toLowerCase();
    const value = key === spec.keys.real.toLowerCase() ? "real" : key === spec.keys.generated.toLowerCase() ? "generated" : null;
    if (!value || phaseRef.current !== "prompt") return;
    event.preventDefault();
    choose(value, event.timeStamp);
  });

  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey(event);
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, []);

  const retry = () => {
    setMessage(null);
    if (retryRef.current) retryRef.current.resolve();
    else setAttempt((a) => a + 1); // the trial itself failed (e.g. image load): start it over
  };

  const showPrompt = phase === "prompt" || phase === "submitting";
  const canvasStyle: CSSProperties = size
    ? { width: size.width, height: size.height, visibility: phase === "feedback" ? "hidden" : "visible" }
    : { width: 0, height: 0 };

  return (
    <section
      aria-label="Trial"
      data-phase={phase}
      data-presenter={presenterKind ?? undefined}
      className={`flex min-h-[80dvh] flex-col text-neutral-100 ${className}`}
      style={{ background: DEFAULT_BACKGROUND }}
    >
      <div className="relative flex flex-1 items-center justify-center overflow-hidden">
        <canvas key={attempt} ref={canvasRef} role="img" aria-label="Image to judge" className="block" style={canvasStyle} />
        <div aria-live="assertive" className="pointer-events-none absolute inset-0 flex items-center justify-center">
          {phase === "countdown" && count > 0 ? (
            <span className="text-8xl font-bold tabular-nums text-neutral-100" aria-label={`${count}`}>
              {count}
            </span>
          ) : null}
          {phase === "waiting" || phase === "loading" ? <span className="text-base text-neutral-300">Loading…</span> : null}
          {phase === "feedback" && verdict !== null ? (
            <span className={`text-5xl font-bold ${verdict ? "text-emerald-400" : "text-rose-400"}`}>{verdict ? "Correct" : "Incorrect"}</span>
          ) : null}
        </div>
      </div>
      <div className="flex h-44 shrink-0 flex-col items-center justify-center gap-4 pb-6">
        <p id={`trial-prompt-${spec.index}`} className={`text-lg font-medium ${showPrompt ? "" : "invisible"}`}>
          Was this image real or generated?
        </p>
        <div role="group" aria-labelledby={`trial-prompt-${spec.index}`} className={`flex gap-6 ${showPrompt ? "" : "invisible"}`}>
          <AnswerButton label="Real" shortcut={keyLabel(spec.keys.real)} disabled={phase !== "prompt"} onChoose={(at) => choose("real", at)} />
          <AnswerButton
            label="Generated"
            shortcut={keyLabel(spec.keys.generated)}
            disabled={phase !== "prompt"}
            onChoose={(at) => choose("generated", at)}
          />
        </div>
        <div className="flex h-8 items-center gap-3 text-sm text-neutral-300" aria-live="polite">
          {message ? <span role={phase === "error" ? "alert" : undefined}>{message}</span> : null}
          {phase === "error" ? (
            <button type="button" onClick={retry} className="rounded-md bg-neutral-100 px-3 py-1 font-semibold text-neutral-900 hover:bg-white">
              Try again
            </button>
          ) : null}
        </div>
      </div>
    </section>
  );
}

function AnswerButton({ label, shortcut, disabled, onChoose }: { label: string; shortcut: string; disabled: boolean; onChoose(at: number): void }) {
  return (
    <button
      type="button"
      disabled={disabled}
      aria-keyshortcuts={shortcut}
      onClick={(event) => onChoose(event.timeStamp)}
      className="flex h-16 w-48 items-center justify-center gap-3 rounded-lg bg-neutral-100 text-xl font-semibold text-neutral-900 transition-colors hover:bg-white focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-400 disabled:cursor-default disabled:opacity-60"
    >
      {label}
      <kbd className="rounded border border-neutral-400 px-2 py-0.5 font-mono text-sm text-neutral-600">{shortcut}</kbd>
    </button>
  );
}

/** "Block X of Y · Trial n of m" with a bar. Indices in TrialSpec are 0-based, shown 1-based. */
export function TrialProgress({
  spec,
  blocks,
  className = "",
}: {
  spec: Pick<TrialSpec, "block" | "blockTrial" | "blockSize" | "index" | "totalTrials">;
  /** Number of blocks; default totalTrials / blockSize rounded up (right when blocks are equal). */
  blocks?: number;
  className?: string;
}) {
  const blockCount = blocks ?? Math.max(1, Math.ceil(spec.totalTrials / Math.max(1, spec.blockSize)));
  const done = Math.min(spec.totalTrials, spec.index);
  const share = spec.totalTrials > 0 ? done / spec.totalTrials : 0;
  return (
    <div className={`flex h-12 shrink-0 items-center gap-4 px-6 text-sm text-neutral-300 ${className}`} style={{ background: DEFAULT_BACKGROUND }}>
      <span className="tabular-nums">
        Block {spec.block + 1} of {blockCount} · Trial {spec.blockTrial + 1} of {spec.blockSize}
      </span>
      <div
        role="progressbar"
        aria-label="Progress through the study"
        aria-valuemin={0}
        aria-valuemax={spec.totalTrials}
        aria-valuenow={done}
        className="h-1.5 flex-1 overflow-hidden rounded-full bg-neutral-600"
      >
        <div className="h-full rounded-full bg-neutral-300" style={{ width: `${(share * 100).toFixed(2)}%` }} />
      </div>
      <span className="tabular-nums">
        {spec.index + 1} / {spec.totalTrials}
      </span>
    </div>
  );
}
