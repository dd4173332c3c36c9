import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseNpy } from "@/lib/metrics/npy";
import { pillowCoefficients, resizeToPlanar, type ResizeMethod } from "@/lib/metrics/resize";

const DIR = path.resolve(__dirname, "../../fixtures/onnx/resize");
const cases = (JSON.parse(readFileSync(path.join(DIR, "cases.json"), "utf8")) as { cases: { name: string; height: number; width: number; size: number }[] }).cases;
const load = (file: string) => parseNpy(readFileSync(path.join(DIR, file)));

/** The fixture input as interleaved RGB, and as RGBA with a junk alpha (must be ignored). */
function inputs(name: string) {
  const m = load(`${name}_input.npy`);
  const rgb = Uint8ClampedArray.from(m.data);
  const rgba = new Uint8ClampedArray((rgb.length / 3) * 4);
  for (let i = 0; i < rgb.length / 3; i++) {
    rgba.set(rgb.subarray(i * 3, i * 3 + 3), i * 4);
    rgba[i * 4 + 3] = (i * 37) % 256;
  }
  return { rgb, rgba };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe.each(["tf1-bilinear", "pil-bicubic"] as ResizeMethod[])("resizeToPlanar %s against the numpy port", (method) => {
  it.each(cases)("$name", ({ name, width, height, size }) => {
    const expected = load(`${name}_${method.replace("-", "_")}.npy`);
    expect([expected.rows, expected.cols]).toEqual([3 * size, size]);
    const { rgb, rgba } = inputs(name);
    const fromRgb = resizeToPlanar({ data: rgb, width, height, channels: 3 }, size, method);
    const fromRgba = resizeToPlanar({ data: rgba, width, height, channels: 4 }, size, method);
    // Same float64 arithmetic in the same order, stored as float32: bit-identical to the numpy port.
    expect(maxAbsDiff(fromRgb, expected.data)).toBe(0);
    expect(Array.from(fromRgba)).toEqual(Array.from(fromRgb));
  });
});

describe("resize details", () => {
  it("TF1 bilinear uses asymmetric coordinates: output pixel 0 is input pixel 0, no half-pixel shift", () => {
    const data = Uint8ClampedArray.from([0, 0, 0, 100, 100, 100]); // 2×1 image
    const out = resizeToPlanar({ data, width: 2, height: 1, channels: 3 }, 4, "tf1-bilinear");
    // x_in = x_out · 2/4 = 0, 0.5, 1, 1.5 → 0, 50, 100, 100 (the last clamps to the edge).
    expect(Array.from(out.subarray(0, 4))).toEqual([0, 50, 100, 100]);
  });

  it("Pillow bicubic weights sum to one and widen when shrinking (antialiasing)", () => {
    const down = pillowCoefficients(128, 61);
    const up = pillowCoefficients(61, 128);
    for (const c of [down, up]) {
      for (let x = 0; x < c.start.length; x++) {
        let sum = 0;
        for (let i = 0; i < c.count[x]!; i++) sum += c.weights[x * c.ksize + i]!;
        expect(sum).toBeCloseTo(1, 12);
      }
    }
    expect(Math.max(...down.count)).toBeGreaterThan(Math.max(...up.count));
  });

  it("writes into a batch buffer at an offset and rejects bad shapes", () => {
    const data = new Uint8ClampedArray(5 * 4 * 4).fill(200);
    const batch = new Float32Array(2 * 3 * 7 * 7);
    resizeToPlanar({ data, width: 5, height: 4, channels: 4 }, 7, "pil-bicubic", batch, 3 * 49);
    expect(batch.subarray(0, 3 * 49).every((v) => v === 0)).toBe(true);
    expect(Array.from(batch.subarray(3 * 49)).every((v) => Math.abs(v - 200) < 1e-4)).toBe(true);
    expect(() => resizeToPlanar({ data, width: 5, height: 5, channels: 4 }, 7)).toThrow(/expected 100 values/);
    expect(() => resizeToPlanar({ data, width: 5, height: 4, channels: 4 }, 7, "tf1-bilinear", batch, 4 * 49)).toThrow(/too small/);
  });
});
