import sharp from "sharp";

const SIZE = 128;

/** A small deterministic PRNG for placeholder pixels (mulberry32); not used for any science. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Placeholder stimuli for the demo study: "real" ones are smooth colour fields, "generated" ones
 * the same fields with blocky noise, so the demo is playable. They are not photographs.
 */
export async function placeholderPng(kind: "real" | "generated", seed: number): Promise<Buffer> {
  const random = mulberry32(seed);
  const base = [random() * 255, random() * 255, random() * 255];
  const tilt = [random() - 0.5, random() - 0.5, random() - 0.5];
  const pixels = Buffer.alloc(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const blockNoise = kind === "generated" ? (mulberry32(seed * 131 + (x >> 3) * 17 + (y >> 3))() - 0.5) * 90 : 0;
      for (let c = 0; c < 3; c++) {
        const value = base[c]! + tilt[c]! * (x + y) * 1.5 + blockNoise;
        pixels[(y * SIZE + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(value)));
      }
    }
  }
  return sharp(pixels, { raw: { width: SIZE, height: SIZE, channels: 3 } }).png().toBuffer();
}

export const PLACEHOLDER_SIZE = SIZE;
