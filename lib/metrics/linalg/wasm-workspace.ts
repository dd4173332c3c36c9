import { KERNELS_WASM_BASE64 } from "./wasm/kernels-bytes";
import { scalarKernels, type Kernels, type Workspace } from "./kernels";

/**
 * Workspace whose arrays live in one WebAssembly memory, so the f64x2 SIMD
 * kernels of wasm/kernels.wat can run on them (about twice the TS kernels'
 * throughput on V8: two lanes per instruction and no bounds checks).
 *
 * Why a fixed capacity: growing a wasm memory detaches every typed array
 * already handed out, so the memory is sized once for the whole computation
 * (the caller knows its peak). Past that capacity alloc falls back to plain
 * arrays, and every kernel call whose operands are not all in the memory
 * falls back to the TS kernel — slower, never wrong.
 */

const PAGE = 65536;
/** wasm32 addresses stop at 4 GiB; stay clear of the top page. */
const MAX_BYTES = 4 * 1024 * 1024 * 1024 - PAGE;

interface KernelExports {
  dot4x2(p: number, ldp: number, q: number, ldq: number, k0: number, k1: number, out: number): void;
  update4x2(p: number, ldp: number, q: number, ldq: number, k0: number, k1: number, c: number, ldc: number, alpha: number, beta: number): void;
  symv4(a: number, lda: number, v: number, y: number, j0: number, j1: number, w0: number, w1: number, w2: number, w3: number, out: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

function kernelBytes(): Uint8Array {
  const bin = atob(KERNELS_WASM_BASE64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** The compiled kernel module, or null where WebAssembly SIMD is unavailable. */
export function simdKernelModule(validate: (bytes: Uint8Array) => boolean = (b) => WebAssembly.validate(b as BufferSource)): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  if (typeof WebAssembly !== "object") return (compiled = null);
  const bytes = kernelBytes();
  // Synchronous compile: the module is ~1 KB, under Chromium's 4 KB main-thread limit.
  compiled = validate(bytes) ? new WebAssembly.Module(bytes as BufferSource) : null;
  return compiled;
}

/** Forget the cached module (tests simulate engines without SIMD). */
export function resetSimdKernelModule(): void {
  compiled = undefined;
}

/**
 * A workspace with room for `capacity` f64 values in wasm memory, or null
 * when WebAssembly SIMD is not available (callers then use heapWorkspace()).
 */
export function createWasmWorkspace(capacity: number, module: WebAssembly.Module | null = simdKernelModule()): Workspace | null {
  if (!module) return null;
  // 64 bytes of kernel output at address 0, then 16-byte aligned arrays.
  const bytes = Math.min(MAX_BYTES, 64 + 8 * Math.max(0, Math.ceil(capacity)) + 16);
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) });
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  const buffer = memory.buffer;
  const out = new Float64Array(buffer, 0, 8);
  let next = 64;

  const fallback = scalarKernels(out);
  const inMemory = (...xs: Float64Array[]) => xs.every((x) => x.buffer === buffer);
  // Arrays are addressed from their own starts, so element index k of x is at x.byteOffset + 8k.
  const kernels: Kernels = {
    tiles(p, q, c) {
      if (!inMemory(p, q, c)) return fallback.tiles(p, q, c);
      const pb = p.byteOffset;
      const qb = q.byteOffset;
      const cb = c.byteOffset;
      return {
        dot4x2: (pAt, ldp, qAt, ldq, k0, k1) => exports.dot4x2(pb + 8 * pAt, 8 * ldp, qb + 8 * qAt, 8 * ldq, k0, k1, 0),
        update4x2: (pAt, ldp, qAt, ldq, k0, k1, cAt, ldc, alpha, beta) =>
          exports.update4x2(pb + 8 * pAt, 8 * ldp, qb + 8 * qAt, 8 * ldq, k0, k1, cb + 8 * cAt, 8 * ldc, alpha, beta),
      };
    },
    symv(a, v, y) {
      if (!inMemory(a, v, y)) return fallback.symv(a, v, y);
      const ab = a.byteOffset;
      const vb = v.byteOffset;
      const yb = y.byteOffset;
      return (aAt, lda, j0, j1, w0, w1, w2, w3) => exports.symv4(ab + 8 * aAt, 8 * lda, vb, yb, j0, j1, w0, w1, w2, w3, 0);
    },
  };

  return {
    name: "wasm-simd",
    kernels,
    out,
    alloc(length) {
      const size = 8 * length;
      if (next + size > buffer.byteLength) return new Float64Array(length);
      const view = new Float64Array(buffer, next, length);
      next += (size + 15) & ~15;
      return view;
    },
  };
}
