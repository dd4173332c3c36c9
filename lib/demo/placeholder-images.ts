import sharp from "sharp";
import { createRng, randomUnit } from "@/lib/hype";

/** Seeded uniform numbers in [0, 1) from lib/hype's generator (pure-rand); for pixels, not science. */
function seededUnit(seed: number): () => number {
  const rng = createRng(seed);
  return () => randomUnit(rng);
}

const SIZE = 128;

/**
 * Placeholder stimuli for the demo study: "real" ones are smooth colour fields, "generated" ones
 * the same fields with blocky noise, so the demo is playable. They are not photographs.
 */
export async function placeholderPng(kind: "real" | "generated", seed: number): Promise<Buffer> {
  const random = seededUnit(seed);
  const base = [random() * 255, random() * 255, random() * 255];
  const tilt = [random() - 0.5, random() - 0.5, random() - 0.5];
  const pixels = Buffer.alloc(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const blockNoise = kind === "generated" ? (seededUnit(seed * 131 + (x >> 3) * 17 + (y >> 3))() - 0.5) * 90 : 0;
      for (let c = 0; c < 3; c++) {
        const value = base[c]! + tilt[c]! * (x + y) * 1.5 + blockNoise;
        pixels[(y * SIZE + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(value)));
      }
    }
  }
  return sharp(pixels, { raw: { width: SIZE, height: SIZE, channels: 3 } }).png().toBuffer();
}

export const PLACEHOLDER_SIZE = SIZE;
