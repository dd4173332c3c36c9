/**
 * Browser side of stage-check.ts: renders TrialStage for a scripted list of trials and records
 * what it reports, so a real browser can check the flow (countdown, keys, answer, feedback, untimed).
 */
import { useState } from "react";
import { createRoot } from "react-dom/client";
import { TrialProgress, TrialStage } from "@/components/trial/trial-stage";
import type { TrialAnswer, TrialSpec } from "@/components/trial/types";

declare global {
  interface Window {
    stageCheck: { answers: TrialAnswer[]; finished: number[]; phases: string[]; earlyKeys: string[]; untimedPixel: number[] | null };
    stageTrials: TrialSpec[];
  }
}

window.stageCheck = { answers: [], finished: [], phases: [], earlyKeys: [], untimedPixel: null };

/**
 * The "annotator", driven from inside the page so that nothing depends on how fast the test
 * driver's key presses arrive: on every phase change it presses keys as a person might.
 * Trial 0 (timed): "j" during the countdown and the presentation (must be ignored), then "f" and
 * a second "j" at the prompt (only the first counts). Trial 1 (untimed): reads the canvas while
 * the prompt is up, then clicks "Generated".
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
  if (trial === 0 && phase === "prompt") {
    press("f");
    press("j");
  }
  if (trial === 1 && phase === "prompt") {
    requestAnimationFrame(() => {
      const c = document.querySelector("canvas")!;
      window.stageCheck.untimedPixel = Array.from(c.getContext("2d")!.getImageData(c.width / 2, c.height / 2, 1, 1).data.slice(0, 3));
      document.querySelector<HTMLButtonElement>("button[aria-keyshortcuts='J']")!.click();
    });
  }
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
createRoot(document.getElementById("root")!).render(<App trials={window.stageTrials} hz={Number(params.get("hz") ?? 60)} />);
