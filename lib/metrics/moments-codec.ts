import { StreamingMoments, type MomentsState } from "./moments";

/**
 * Binary encoding of StreamingMoments so a reference set's statistics are
 * computed once and reused (a d = 2048 state is ~16.8 MB; JSON would be ~3×).
 *
 * Layout, all little-endian regardless of platform (DataView):
 *   bytes 0..7   magic "PCPTMOM1"
 *   u32          dim
 *   u32          reserved (0), keeps the float64 payload 8-byte aligned
 *   f64          count
 *   f64 × dim    mean
 *   f64 × dim(dim+1)/2  lower triangle of M2, row by row
 */
const MAGIC = "PCPTMOM1";
const HEADER = 24;

export function encodeMoments(m: StreamingMoments): Uint8Array {
  const s = m.toState();
  const nTri = s.m2Lower.length;
  const bytes = new Uint8Array(HEADER + 8 * (s.dim + nTri));
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < MAGIC.length; i++) bytes[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, s.dim, true);
  view.setUint32(12, 0, true);
  view.setFloat64(16, s.count, true);
  let off = HEADER;
  for (const arr of [s.mean, s.m2Lower]) {
    for (let i = 0; i < arr.length; i++, off += 8) view.setFloat64(off, arr[i] as number, true);
  }
  return bytes;
}

export function decodeMoments(input: Uint8Array | ArrayBuffer): StreamingMoments {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.length < HEADER) throw new Error("decodeMoments: buffer too short");
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC.charCodeAt(i)) throw new Error("decodeMoments: bad magic (not a Percept moments file)");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dim = view.getUint32(8, true);
  const count = view.getFloat64(16, true);
  const nTri = (dim * (dim + 1)) / 2;
  if (bytes.length !== HEADER + 8 * (dim + nTri)) throw new Error(`decodeMoments: expected ${HEADER + 8 * (dim + nTri)} bytes for dim ${dim}, got ${bytes.length}`);
  const mean = new Float64Array(dim);
  const m2Lower = new Float64Array(nTri);
  let off = HEADER;
  for (const arr of [mean, m2Lower]) {
    for (let i = 0; i < arr.length; i++, off += 8) arr[i] = view.getFloat64(off, true);
  }
  const state: MomentsState = { dim, count, mean, m2Lower };
  return StreamingMoments.fromState(state);
}
