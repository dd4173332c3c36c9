/**
 * The feature-extractor contract of the FID Inception, and a checker for user-supplied ONNX files.
 *
 *   input  `images`  float32 [N, 3, 299, 299]   RGB in 0–255, NCHW (the model normalizes itself)
 *   output `pool3`   float32 [N, 2048]          features for FID, KID, precision/recall, density/coverage
 *   output `logits`  float32 [N, 1008]          unbiased logits for the Inception Score
 *
 * Pure: reads only the ONNX protobuf header of the graph (inputs, outputs, initializer names —
 * initializer payloads are skipped by length), so it runs in a Web Worker before any runtime is
 * loaded and rejects a text file or a different network with a message naming what is wrong.
 */

export const INCEPTION_CONTRACT = {
  input: { name: "images", type: "float32", shape: ["N", 3, 299, 299] },
  outputs: [
    { name: "pool3", type: "float32", shape: ["N", 2048] },
    { name: "logits", type: "float32", shape: ["N", 1008] },
  ],
} as const;

export const FEATURE_DIM = 2048;
export const LOGITS_DIM = 1008;
export const INPUT_SIZE = 299;

/** A dimension: a fixed size, a symbolic name, or null when the file leaves it unspecified. */
export type OnnxDim = number | string | null;

export interface OnnxTensorInfo {
  name: string;
  /** "float32", "uint8", ... or "type#<n>" for an element type we do not name, "non-tensor" for sequences/maps. */
  type: string;
  /** null when the file declares no shape at all. */
  shape: OnnxDim[] | null;
}

export interface OnnxSignature {
  irVersion: number;
  opsetVersion: number | null;
  producer: string;
  inputs: OnnxTensorInfo[];
  outputs: OnnxTensorInfo[];
}

export class OnnxContractError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.length === 1 ? problems[0]! : `The model does not fit the FID Inception contract:\n- ${problems.join("\n- ")}`);
    this.name = "OnnxContractError";
    this.problems = problems;
  }
}

// ─── Minimal protobuf reader ────────────────────────────────────────────────────

const ELEMENT_TYPES: Record<number, string> = {
  1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string",
  9: "bool", 10: "float16", 11: "float64", 12: "uint32", 13: "uint64", 16: "bfloat16",
};

class Reader {
  pos: number;
  constructor(readonly buf: Uint8Array, start: number, readonly end: number) {
    this.pos = start;
  }
  get done(): boolean {
    return this.pos >= this.end;
  }
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error("truncated varint");
      const byte = this.buf[this.pos++]!;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw new Error("varint too long");
  }
  /** Returns [field, wireType]. */
  tag(): [number, number] {
    const key = this.varint();
    return [Math.floor(key / 8), key % 8];
  }
  sub(): Reader {
    const length = this.varint();
    if (this.pos + length > this.end) throw new Error("length past the end of the message");
    const reader = new Reader(this.buf, this.pos, this.pos + length);
    this.pos += length;
    return reader;
  }
  string(): string {
    const r = this.sub();
    return new TextDecoder("utf-8", { fatal: true }).decode(this.buf.subarray(r.pos, r.end));
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.sub();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
    if (this.pos > this.end) throw new Error("field past the end of the message");
  }
}

/** Signed int64 from a varint read as an unsigned double (dim_value −1 arrives as 2^64 − 1). */
function signed(value: number): number {
  return value >= 2 ** 63 ? value - 2 ** 64 : value;
}

function readDim(r: Reader): OnnxDim {
  let dim: OnnxDim = null;
  while (!r.done) {
    const [field, wire] = r.tag();
    if (field === 1 && wire === 0) {
      const v = signed(r.varint());
      dim = v > 0 ? v : null;
    } else if (field === 2 && wire === 2) dim = r.string() || null;
    else r.skip(wire);
  }
  return dim;
}

function readTensorType(r: Reader): { type: string; shape: OnnxDim[] | null } {
  let type = "type#0";
  let shape: OnnxDim[] | null = null;
  while (!r.done) {
    const [field, wire] = r.tag();
    if (field === 1 && wire === 0) {
      const t = r.varint();
      type = ELEMENT_TYPES[t] ?? `type#${t}`;
    } else if (field === 2 && wire === 2) {
      const s = r.sub();
      shape = [];
      while (!s.done) {
        const [f, w] = s.tag();
        if (f === 1 && w === 2) shape.push(readDim(s.sub()));
        else s.skip(w);
      }
    } else r.skip(wire);
  }
  return { type, shape };
}

function readValueInfo(r: Reader): OnnxTensorInfo {
  const info: OnnxTensorInfo = { name: "", type: "non-tensor", shape: null };
  while (!r.done) {
    const [field, wire] = r.tag();
    if (field === 1 && wire === 2) info.name = r.string();
    else if (field === 2 && wire === 2) {
      const t = r.sub();
      while (!t.done) {
        const [f, w] = t.tag();
        if (f === 1 && w === 2) Object.assign(info, readTensorType(t.sub()));
        else t.skip(w);
      }
    } else r.skip(wire);
  }
  return info;
}

/** TensorProto.name is field 8; everything else (the weights) is skipped. */
function readInitializerName(r: Reader): string {
  let name = "";
  while (!r.done) {
    const [field, wire] = r.tag();
    if (field === 8 && wire === 2) name = r.string();
    else r.skip(wire);
  }
  return name;
}

/**
 * Inputs and outputs of an ONNX model (ModelProto → GraphProto). Graph inputs that are initializers
 * (IR < 4 exports list weights as inputs) are dropped. Throws OnnxContractError when the bytes are
 * not an ONNX model.
 */
export function readOnnxSignature(input: Uint8Array | ArrayBuffer): OnnxSignature {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const notOnnx = (why: string) =>
    new OnnxContractError([`This file is not an ONNX model (${why}). Export the FID Inception to .onnx as described in docs/metrics-browser.md.`]);
  if (bytes.length < 16) throw notOnnx(`only ${bytes.length} bytes`);
  const signature: OnnxSignature = { irVersion: 0, opsetVersion: null, producer: "", inputs: [], outputs: [] };
  let sawGraph = false;
  try {
    const model = new Reader(bytes, 0, bytes.length);
    while (!model.done) {
      const [field, wire] = model.tag();
      if (field === 0 || field > 20) throw new Error(`unexpected field ${field}`);
      if (field === 1 && wire === 0) signature.irVersion = model.varint();
      else if (field === 2 && wire === 2) signature.producer = model.string();
      else if (field === 8 && wire === 2) {
        const opset = model.sub();
        let domain = "";
        let version = 0;
        while (!opset.done) {
          const [f, w] = opset.tag();
          if (f === 1 && w === 2) domain = opset.string();
          else if (f === 2 && w === 0) version = opset.varint();
          else opset.skip(w);
        }
        if (domain === "" || domain === "ai.onnx") signature.opsetVersion = version;
      } else if (field === 7 && wire === 2) {
        sawGraph = true;
        const graph = model.sub();
        const initializers = new Set<string>();
        const inputs: OnnxTensorInfo[] = [];
        while (!graph.done) {
          const [f, w] = graph.tag();
          if (f === 11 && w === 2) inputs.push(readValueInfo(graph.sub()));
          else if (f === 12 && w === 2) signature.outputs.push(readValueInfo(graph.sub()));
          else if (f === 5 && w === 2) initializers.add(readInitializerName(graph.sub()));
          else graph.skip(w);
        }
        signature.inputs = inputs.filter((i) => !initializers.has(i.name));
      } else model.skip(wire);
    }
  } catch (error) {
    if (error instanceof OnnxContractError) throw error;
    throw notOnnx(error instanceof Error ? error.message : String(error));
  }
  if (!sawGraph || signature.irVersion === 0) throw notOnnx(sawGraph ? "no IR version" : "no graph");
  return signature;
}

// ─── The contract ───────────────────────────────────────────────────────────────

function formatShape(shape: OnnxDim[] | null): string {
  return shape === null ? "no shape" : `[${shape.map((d) => d ?? "?").join(", ")}]`;
}

function checkTensor(kind: string, actual: OnnxTensorInfo, expected: { name: string; type: string; shape: readonly (number | string)[] }): string[] {
  const problems: string[] = [];
  if (actual.type !== expected.type) problems.push(`${kind} "${actual.name}" is ${actual.type}, expected ${expected.type}`);
  const want = `[${expected.shape.join(", ")}]`;
  if (actual.shape === null) return problems; // unspecified: checked when the model first runs
  if (actual.shape.length !== expected.shape.length) {
    problems.push(`${kind} "${actual.name}" has shape ${formatShape(actual.shape)}, expected ${want}`);
    return problems;
  }
  expected.shape.forEach((size, axis) => {
    const got = actual.shape![axis];
    if (typeof size === "number" && typeof got === "number" && got !== size) {
      problems.push(`${kind} "${actual.name}" has size ${got} on axis ${axis}, expected ${size} (shape ${formatShape(actual.shape)}, expected ${want})`);
    }
  });
  return problems;
}

export interface ContractCheck {
  ok: boolean;
  problems: string[];
  /** The batch size fixed by the model, or null when the batch axis is free. */
  fixedBatch: number | null;
  signature: OnnxSignature;
}

/** Every way `signature` differs from the FID Inception contract (empty when it fits). */
export function checkInceptionContract(signature: OnnxSignature): ContractCheck {
  const problems: string[] = [];
  const { input, outputs } = INCEPTION_CONTRACT;
  let fixedBatch: number | null = null;
  if (signature.inputs.length !== 1) {
    problems.push(`the model has ${signature.inputs.length} inputs (${signature.inputs.map((i) => `"${i.name}"`).join(", ") || "none"}), expected exactly one: "${input.name}"`);
  } else {
    const only = signature.inputs[0]!;
    if (only.name !== input.name) problems.push(`the input is named "${only.name}", expected "${input.name}"`);
    problems.push(...checkTensor("input", only, input));
    const batch = only.shape?.[0];
    if (typeof batch === "number") fixedBatch = batch;
  }
  for (const expected of outputs) {
    const actual = signature.outputs.find((o) => o.name === expected.name);
    if (!actual) {
      problems.push(`no output named "${expected.name}" (outputs: ${signature.outputs.map((o) => `"${o.name}" ${formatShape(o.shape)}`).join(", ") || "none"})`);
      continue;
    }
    problems.push(...checkTensor("output", actual, expected));
  }
  return { ok: problems.length === 0, problems, fixedBatch, signature };
}

/** Reads and checks an ONNX file; throws OnnxContractError listing every problem. */
export function assertInceptionContract(bytes: Uint8Array | ArrayBuffer): ContractCheck {
  const check = checkInceptionContract(readOnnxSignature(bytes));
  if (!check.ok) throw new OnnxContractError(check.problems);
  return check;
}
