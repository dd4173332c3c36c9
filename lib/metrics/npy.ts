/**
 * Minimal NumPy .npy reader/writer for 2-D float feature matrices.
 * Pure: works on bytes, no fs, so it also runs in a browser worker.
 *
 * Supported: format versions 1.0, 2.0 and 3.0 (3.0 only changes the header
 * encoding to UTF-8), dtypes '<f4' and '<f8', C order, ndim = 2. Everything
 * else is rejected with a message saying what to do, because silently
 * reinterpreting a Fortran-order or big-endian file would give plausible-
 * looking but wrong metrics.
 */

export interface NpyMatrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
  readonly dtype: "<f4" | "<f8";
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function parseNpy(input: Uint8Array | ArrayBuffer): NpyMatrix {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error("npy: not a .npy file (bad magic)");
  const major = bytes[6] as number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new Error("npy: truncated header");
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new Error(`npy: unsupported format version ${major}.${bytes[7]}`);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) throw new Error("npy: truncated header");
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(headerStart, dataStart));

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new Error(`npy: malformed header ${JSON.stringify(header)}`);
  if (fortran === "True") throw new Error("npy: fortran_order=True is not supported; save with np.ascontiguousarray(x)");
  if (descr === ">f4" || descr === ">f8") throw new Error(`npy: big-endian dtype ${descr} is not supported; convert with x.astype('<f8')`);
  if (descr !== "<f4" && descr !== "<f8") throw new Error(`npy: dtype ${descr} is not supported; use float32 ('<f4') or float64 ('<f8')`);
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number(s.replace(/L$/, "")));
  if (shape.length !== 2) throw new Error(`npy: expected a 2-D array, got shape (${shape.join(", ")})`);
  const [rows, cols] = shape as [number, number];
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) throw new Error(`npy: invalid shape (${shapeText})`);
  const width = descr === "<f4" ? 4 : 8;
  const count = rows * cols;
  if (bytes.length - dataStart < count * width) {
    throw new Error(`npy: data truncated: need ${count * width} bytes for ${rows}×${cols} ${descr}, have ${bytes.length - dataStart}`);
  }
  // DataView: correct on any host endianness and for unaligned payloads.
  const data = new Float64Array(count);
  if (width === 4) {
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(dataStart + 4 * i, true);
  } else {
    for (let i = 0; i < count; i++) data[i] = view.getFloat64(dataStart + 8 * i, true);
  }
  return { data, rows, cols, dtype: descr };
}

/** Encodes a row-major float64 matrix as a version 1.0 '<f8' .npy file. */
export function encodeNpy(data: ArrayLike<number>, rows: number, cols: number): Uint8Array {
  if (data.length !== rows * cols) throw new Error(`encodeNpy: expected ${rows * cols} values, got ${data.length}`);
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  // Pad so the payload starts on a 64-byte boundary, newline-terminated (NEP 1).
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, " ") + "\n";
  const out = new Uint8Array(total + 8 * data.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  for (let i = 0; i < data.length; i++) view.setFloat64(total + 8 * i, data[i] as number, true);
  return out;
}
