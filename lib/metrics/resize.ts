/**
 * Resizing RGB images to the Inception input (299 × 299), pure (no DOM): the worker hands in the
 * decoded RGBA pixels and gets planar float32 CHW values in 0–255, ready for the `images` tensor.
 *
 * Two methods:
 *
 * - `tf1-bilinear` (default): TensorFlow 1's `tf.image.resize_bilinear(align_corners=False)`, the
 *   resize inside the original TTUR FID graph. Legacy coordinates — src = dst · (in/out), no
 *   half-pixel centres, no antialiasing; lo = ⌊src⌋, hi = min(⌈src⌉, in−1); lerp along x, then y.
 *   Float64 arithmetic, stored as float32.
 * - `pil-bicubic`: clean-fid's resize — Pillow `Image.resize(BICUBIC)` on each channel as a float32
 *   ("F" mode) image, then clip to [0, 255]. Pillow's separable resample: support 2·max(scale, 1)
 *   (antialiasing when shrinking), Keys cubic with a = −0.5, weights normalized to sum 1, double
 *   accumulation; horizontal pass first, its result rounded to float32, then the vertical pass.
 *
 * Both are checked against numpy ports (tests/fixtures/onnx/make_resize_fixtures.py).
 */

export type ResizeMethod = "tf1-bilinear" | "pil-bicubic";
export const RESIZE_METHODS: readonly ResizeMethod[] = ["tf1-bilinear", "pil-bicubic"];
export const DEFAULT_RESIZE_METHOD: ResizeMethod = "tf1-bilinear";

/** Interleaved pixels: RGB (channels 3) or RGBA (channels 4, alpha ignored), row-major. */
export interface Pixels {
  data: ArrayLike<number>;
  width: number;
  height: number;
  channels: 3 | 4;
}

function checkPixels(src: Pixels): void {
  const { width, height, channels, data } = src;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new Error(`resize: invalid image size ${width}×${height}`);
  if (data.length !== width * height * channels) throw new Error(`resize: expected ${width * height * channels} values for ${width}×${height}×${channels}, got ${data.length}`);
}

/**
 * Resizes `src` to size × size and writes planar CHW float32 (R plane, G plane, B plane) into
 * `out` at `offset` (allocates when omitted). Returns the output array.
 */
export function resizeToPlanar(src: Pixels, size: number, method: ResizeMethod = DEFAULT_RESIZE_METHOD, out?: Float32Array, offset = 0): Float32Array {
  checkPixels(src);
  if (!Number.isInteger(size) || size < 1) throw new Error(`resize: invalid output size ${size}`);
  const target = out ?? new Float32Array(3 * size * size);
  if (offset < 0 || offset + 3 * size * size > target.length) throw new Error("resize: output buffer too small");
  if (method === "tf1-bilinear") tf1Bilinear(src, size, size, target, offset);
  else if (method === "pil-bicubic") pilBicubic(src, size, size, target, offset);
  else throw new Error(`resize: unknown method ${String(method)}`);
  return target;
}

// ─── TF1 bilinear ───────────────────────────────────────────────────────────────

interface Lerp {
  lo: Int32Array;
  hi: Int32Array;
  frac: Float64Array;
}

function tfLerp(inSize: number, outSize: number): Lerp {
  const scale = inSize / outSize;
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float64Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const pos = i * scale;
    const l = Math.floor(pos);
    lo[i] = l;
    hi[i] = Math.min(Math.ceil(pos), inSize - 1);
    frac[i] = pos - l;
  }
  return { lo, hi, frac };
}

function tf1Bilinear(src: Pixels, outH: number, outW: number, out: Float32Array, offset: number): void {
  const { data, width, height, channels } = src;
  const ys = tfLerp(height, outH);
  const xs = tfLerp(width, outW);
  const plane = outH * outW;
  for (let y = 0; y < outH; y++) {
    const rowLo = ys.lo[y]! * width;
    const rowHi = ys.hi[y]! * width;
    const fy = ys.frac[y]!;
    for (let x = 0; x < outW; x++) {
      const cLo = xs.lo[x]!;
      const cHi = xs.hi[x]!;
      const fx = xs.frac[x]!;
      const o = offset + y * outW + x;
      for (let c = 0; c < 3; c++) {
        const tl = data[(rowLo + cLo) * channels + c]!;
        const tr = data[(rowLo + cHi) * channels + c]!;
        const bl = data[(rowHi + cLo) * channels + c]!;
        const br = data[(rowHi + cHi) * channels + c]!;
        const top = tl + (tr - tl) * fx;
        const bottom = bl + (br - bl) * fx;
        out[o + c * plane] = top + (bottom - top) * fy;
      }
    }
  }
}

// ─── Pillow bicubic ─────────────────────────────────────────────────────────────

function bicubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

interface Coeffs {
  start: Int32Array;
  count: Int32Array;
  /** Row-major, `ksize` weights per output position. */
  weights: Float64Array;
  ksize: number;
}

/** Pillow's `precompute_coeffs` (float64, C-style truncation of the bounds). */
export function pillowCoefficients(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * ksize);
  const ss = 1 / filterScale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let sum = 0;
    for (let x = 0; x < xmax; x++) {
      const w = bicubic((x + xmin - center + 0.5) * ss);
      weights[xx * ksize + x] = w;
      sum += w;
    }
    if (sum !== 0) for (let x = 0; x < xmax; x++) weights[xx * ksize + x] = weights[xx * ksize + x]! / sum;
    start[xx] = xmin;
    count[xx] = xmax;
  }
  return { start, count, weights, ksize };
}

function clip255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function pilBicubic(src: Pixels, outH: number, outW: number, out: Float32Array, offset: number): void {
  const { data, width, height, channels } = src;
  const plane = outH * outW;
  // Channel planes as float32 ("F" mode images).
  const input = new Float32Array(width * height);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < width * height; i++) input[i] = data[i * channels + c]!;
    let tmp = input;
    let tmpW = width;
    if (width !== outW) {
      const { start, count, weights, ksize } = pillowCoefficients(width, outW);
      tmp = new Float32Array(height * outW);
      for (let y = 0; y < height; y++) {
        const row = y * width;
        for (let x = 0; x < outW; x++) {
          const s = start[x]!;
          const k = x * ksize;
          let acc = 0;
          for (let i = 0; i < count[x]!; i++) acc += input[row + s + i]! * weights[k + i]!;
          tmp[y * outW + x] = acc;
        }
      }
      tmpW = outW;
    }
    const base = offset + c * plane;
    if (height !== outH) {
      const { start, count, weights, ksize } = pillowCoefficients(height, outH);
      for (let y = 0; y < outH; y++) {
        const s = start[y]!;
        const k = y * ksize;
        for (let x = 0; x < outW; x++) {
          let acc = 0;
          for (let i = 0; i < count[y]!; i++) acc += tmp[(s + i) * tmpW + x]! * weights[k + i]!;
          out[base + y * outW + x] = clip255(Math.fround(acc));
        }
      }
    } else {
      for (let i = 0; i < plane; i++) out[base + i] = clip255(tmp[i]!);
    }
  }
}
