import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { encodeNpy, parseNpy } from "@/lib/metrics/npy";
import { FIXTURE_DIR, expected } from "./fixtures";

/** Hand-built .npy bytes so every header variant is exercised. */
function npyBytes(header: string, payload: Uint8Array, major = 1): Uint8Array {
  const enc = new TextEncoder().encode(header + "\n");
  const pre = major === 1 ? 10 : 12;
  const out = new Uint8Array(pre + enc.length + payload.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0], 0);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, enc.length, true);
  else view.setUint32(8, enc.length, true);
  out.set(enc, pre);
  out.set(payload, pre + enc.length);
  return out;
}

const f8 = (values: number[]) => new Uint8Array(Float64Array.from(values).buffer);
const f4 = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

describe("parseNpy", () => {
  it("reads the committed float64 and float32 fixtures with numpy's shapes", () => {
    const real = parseNpy(readFileSync(path.join(FIXTURE_DIR, "full_real.npy")));
    expect(real).toMatchObject({ rows: expected.full.real.rows, cols: expected.full.real.dim, dtype: "<f8" });
    const fake = parseNpy(readFileSync(path.join(FIXTURE_DIR, "full_fake.npy")));
    expect(fake).toMatchObject({ rows: expected.full.fake.rows, cols: expected.full.fake.dim, dtype: "<f4" });
    expect(fake.data.length).toBe(250 * 64);
  });

  it("reads format versions 1, 2 and 3 (UTF-8 header)", () => {
    const vals = [1.5, -2, 3.25, 4, 5, 6];
    for (const major of [1, 2, 3]) {
      const m = parseNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", f8(vals), major));
      expect(Array.from(m.data)).toEqual(vals);
      expect([m.rows, m.cols]).toEqual([2, 3]);
    }
  });

  it("widens float32 exactly and accepts an ArrayBuffer", () => {
    const vals = [0.1, 1e-3, -7];
    const bytes = npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 1), }", f4(vals));
    const m = parseNpy(bytes.slice().buffer);
    expect(Array.from(m.data)).toEqual(Array.from(Float32Array.from(vals)));
  });

  it("round-trips encodeNpy", () => {
    const vals = Array.from({ length: 12 }, (_, i) => Math.sin(i) * 1e5);
    const bytes = encodeNpy(vals, 3, 4);
    expect((bytes.length - 8 * 12) % 64).toBe(0); // payload 64-byte aligned
    const m = parseNpy(bytes);
    expect(Array.from(m.data)).toEqual(vals);
  });

  it.each([
    ["{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", /fortran_order/],
    ["{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", /dtype <i4 is not supported/],
    ["{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3), }", /big-endian/],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }", /2-D array, got shape \(6\)/],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 3), }", /2-D array/],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (4, 3), }", /truncated/],
  ])("rejects %s", (header, message) => {
    expect(() => parseNpy(npyBytes(header, f8([1, 2, 3, 4, 5, 6])))).toThrow(message);
  });

  it("rejects non-npy bytes and unknown versions", () => {
    expect(() => parseNpy(new TextEncoder().encode("hello world, not numpy"))).toThrow(/bad magic/);
    expect(() => parseNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }", f8([1]), 4))).toThrow(/version 4/);
  });
});
