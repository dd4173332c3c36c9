/**
 * Practice trials for the tutorial, drawn locally: they teach the rhythm (countdown, flash, masks,
 * keys) without using, or revealing anything about, the study's images. Browser-only.
 */
import type { TrialSpec } from "@/components/trial/types";

const SIZE = 128;

function draw(paint: (context: CanvasRenderingContext2D) => void): string {
  const canvas = document.createElement("canvas");
  canvas.width = SIZE;
  canvas.height = SIZE;
  paint(canvas.getContext("2d")!);
  return canvas.toDataURL("image/png");
}

function smoothField(hue: number): string {
  return draw((context) => {
    const gradient = context.createLinearGradient(0, 0, SIZE, SIZE);
    gradient.addColorStop(0, `hsl(${hue} 55% 70%)`);
    gradient.addColorStop(1, `hsl(${(hue + 40) % 360} 45% 40%)`);
    context.fillStyle = gradient;
    context.fillRect(0, 0, SIZE, SIZE);
  });
}

function blockyNoise(seed: number): string {
  return draw((context) => {
    let state = seed;
    const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let y = 0; y < SIZE; y += 8) {
      for (let x = 0; x < SIZE; x += 8) {
        context.fillStyle = `hsl(${Math.floor(random() * 360)} 40% ${30 + Math.floor(random() * 40)}%)`;
        context.fillRect(x, y, 8, 8);
      }
    }
  });
}

export type PracticeTrial = { spec: TrialSpec; label: "real" | "generated" };

/** Three practice trials at 500, 300 and 150 ms: "real" = smooth colour fields, "generated" = blocky noise. */
export function practiceTrials(keys: TrialSpec["keys"], hz: number): PracticeTrial[] {
  const masks = [1, 2, 3, 4].map((seed) => ({ url: blockyNoise(seed * 7919), frames: Math.max(1, Math.round((30 * hz) / 1000)) }));
  const plan: { label: "real" | "generated"; ms: number; url: string }[] = [
    { label: "real", ms: 500, url: smoothField(200) },
    { label: "generated", ms: 300, url: blockyNoise(424242) },
    { label: "real", ms: 150, url: smoothField(30) },
  ];
  return plan.map((trial, index) => ({
    label: trial.label,
    spec: {
      index,
      block: 0,
      blockTrial: index,
      blockSize: plan.length,
      totalTrials: plan.length,
      protocol: "tutorial",
      stimulusUrl: trial.url,
      exposure: { ms: trial.ms, frames: Math.max(1, Math.round((trial.ms * hz) / 1000)) },
      countdown: { steps: 3, stepMs: 500 },
      masks,
      keys,
    },
  }));
}
