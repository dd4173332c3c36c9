/**
 * Browser side of stage-check.ts: renders TrialStage for a scripted list of trials and records
 * what it reports, so a real browser can check the flow (countdown, keys, answer, feedback, untimed).
 */
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import { TrialProgress, TrialStage } from "@/components/trial/trial-stage";
import type { TrialAnswer, TrialSpec } from "@/components/trial/types";

declare global {
  interface Window {
    stageCheck: {
      answers: TrialAnswer[];
      finished: number[];
      phases: string[];
      earlyKeys: string[];
      /** Trial 1's prompt is up: the driver reads the canvas from a screenshot, then clicks. */
      untimedPrompt: boolean;
      /** data-presenter of each trial's stage when its prompt showed. */
      presenters: string[];
    };
    stageTrials: TrialSpec[];
  }
}

window.stageCheck = { answers: [], finished: [], phases: [], earlyKeys: [], untimedPrompt: false, presenters: [] };

/**
 * The "annotator", driven from inside the page so that nothing depends on how fast the test
 * driver's key presses arrive: on every phase change it presses keys as a person might.
 * Trial 0 (timed): "j" during the countdown and the presentation (must be ignored), then "f" and
 * a second "j" at the prompt (only the first counts). Trial 1 (untimed): signals the driver, which
 * reads the canvas from a screenshot while the prompt is up (the canvas may belong to the worker
 * presenter, so the page cannot read it) and then clicks "Generated".
 */
const press = (key: string) => window.dispatchEvent(new KeyboardEvent("keydown", { key }));
new MutationObserver(() => {
  const section = document.querySelector("section[data-phase]");
  const phase = section?.getAttribute("data-phase");
  const trial = window.stageCheck.finished.length;
  const log = window.stageCheck.phases;
  const entry = `${trial}:${phase}`;
  if (!phase || log[log.length - 1] === entry) return;
  log.push(entry);
  if (trial === 0 && (phase === "countdown" || phase === "presenting")) {
    window.stageCheck.earlyKeys.push(phase);
    press("j");
  }
  if (phase === "prompt") window.stageCheck.presenters.push(section?.getAttribute("data-presenter") ?? "none");
  if (trial === 0 && phase === "prompt") {
    press("f");
    press("j");
  }
  if (trial === 1 && phase === "prompt") window.stageCheck.untimedPrompt = true;
}).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["data-phase"], childList: true });

function App({ trials, hz }: { trials: TrialSpec[]; hz: number }) {
  const [i, setI] = useState(0);
  const spec = trials[i];
  if (!spec) return <p id="all-done">done</p>;
  return (
    <main className="flex h-dvh flex-col">
      <TrialProgress spec={spec} />
      <TrialStage
        key={spec.index}
        spec={spec}
        hz={hz}
        feedback
        onAnswered={async (answer) => {
          window.stageCheck.answers.push(answer);
          await new Promise((r) => setTimeout(r, 50));
          return { correct: answer.answer === "real" };
        }}
        onFinished={(answer) => {
          window.stageCheck.finished.push(answer.index);
          setI((n) => n + 1);
        }}
      />
    </main>
  );
}

const params = new URLSearchParams(location.search);
// ?presenter=main: a browser without OffscreenCanvas transfer, so TrialStage falls back to the main thread.
if (params.get("presenter") === "main") Reflect.deleteProperty(HTMLCanvasElement.prototype, "transferControlToOffscreen");
const app = <App trials={window.stageTrials} hz={Number(params.get("hz") ?? 60)} />;
// ?strict=1: as under `next dev`, effects are run, torn down and run again on mount.
createRoot(document.getElementById("root")!).render(params.get("strict") === "1" ? <StrictMode>{app}</StrictMode> : app);
