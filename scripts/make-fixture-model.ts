/**
 * Writes tests/fixtures/onnx/tiny-inception.onnx: a small ONNX model with the SAME contract as the
 * FID Inception (pt_inception-2015-12-05 exported to ONNX):
 *
 *   input  `images`  float32 [N, 3, 299, 299], RGB in 0–255, NCHW
 *   output `pool3`   float32 [N, 2048]  (non-negative, like the real pool3 after ReLU + avgpool)
 *   output `logits`  float32 [N, 1008]
 *
 * Graph: x/127.5 − 1 → AveragePool 99×99 stride 99 (a 3×3 grid per channel, 27 values) → Flatten
 * → MatMul W1 [27, 2048] → Add b1 → Relu = pool3;  Flatten → MatMul W2 [27, 1008] → Add b2 = logits.
 * Weights from a fixed-seed generator (mulberry32 + Box–Muller), so the file is byte-identical on
 * every run. Opset 13, IR 7. Also exports `buildModel` for tests that need a WRONG model.
 *
 *   npx tsx scripts/make-fixture-model.ts [out.onnx]
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import onnxProto, { type onnx as Onnx } from "onnx-proto";

// onnx-proto is CommonJS: its namespace is a property of the default export under ESM.
const { onnx } = onnxProto;

export const FIXTURE_SEED = 20240611;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normals(random: () => number, count: number, scale: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = Math.max(random(), 1e-12);
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u)) * scale;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

type Dim = number | string;
export interface TensorSpec {
  name: string;
  /** onnx.TensorProto.DataType, e.g. 1 = FLOAT, 7 = INT64. */
  elemType?: number;
  dims: Dim[];
}

function valueInfo(spec: TensorSpec): Onnx.IValueInfoProto {
  return {
    name: spec.name,
    type: {
      tensorType: {
        elemType: spec.elemType ?? onnx.TensorProto.DataType.FLOAT,
        shape: { dim: spec.dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function floatTensor(name: string, dims: number[], values: Float32Array): Onnx.ITensorProto {
  return {
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  };
}

export interface ModelOptions {
  inputName?: string;
  inputDims?: Dim[];
  inputElemType?: number;
  pool3Name?: string;
  pool3Dim?: number;
  logitsName?: string;
  logitsDim?: number;
  /** Input side length the pooling expects (299 for the real contract). */
  size?: number;
  seed?: number;
}

/** The tiny Inception-like model (defaults = the FID contract); options break it on purpose. */
export function buildModel(options: ModelOptions = {}): Uint8Array {
  const size = options.size ?? 299;
  const pool3Dim = options.pool3Dim ?? 2048;
  const logitsDim = options.logitsDim ?? 1008;
  const inputName = options.inputName ?? "images";
  const pool3Name = options.pool3Name ?? "pool3";
  const logitsName = options.logitsName ?? "logits";
  const kernel = Math.floor(size / 3);
  const cells = Math.floor((size - kernel) / kernel) + 1;
  const hidden = 3 * cells * cells;
  const random = mulberry32(options.seed ?? FIXTURE_SEED);
  const w1 = normals(random, hidden * pool3Dim, 1 / Math.sqrt(hidden));
  const b1 = normals(random, pool3Dim, 0.1).map((v) => v + 0.2);
  const w2 = normals(random, hidden * logitsDim, 2 / Math.sqrt(hidden));
  const b2 = normals(random, logitsDim, 0.5);

  const F = onnx.TensorProto.DataType.FLOAT;
  const graph: Onnx.IGraphProto = {
    name: "tiny_inception",
    input: [valueInfo({ name: inputName, elemType: options.inputElemType ?? F, dims: options.inputDims ?? ["N", 3, size, size] })],
    output: [valueInfo({ name: pool3Name, dims: ["N", pool3Dim] }), valueInfo({ name: logitsName, dims: ["N", logitsDim] })],
    initializer: [
      floatTensor("scale", [], Float32Array.of(1 / 127.5)),
      floatTensor("one", [], Float32Array.of(1)),
      floatTensor("W1", [hidden, pool3Dim], w1),
      floatTensor("b1", [pool3Dim], b1),
      floatTensor("W2", [hidden, logitsDim], w2),
      floatTensor("b2", [logitsDim], b2),
    ],
    node: [
      { opType: "Mul", input: [inputName, "scale"], output: ["scaled"], name: "scale_mul" },
      { opType: "Sub", input: ["scaled", "one"], output: ["centred"], name: "centre" },
      {
        opType: "AveragePool",
        input: ["centred"],
        output: ["grid"],
        name: "grid_pool",
        attribute: [
          { name: "kernel_shape", type: onnx.AttributeProto.AttributeType.INTS, ints: [kernel, kernel] },
          { name: "strides", type: onnx.AttributeProto.AttributeType.INTS, ints: [kernel, kernel] },
        ],
      },
      { opType: "Flatten", input: ["grid"], output: ["flat"], name: "flatten", attribute: [{ name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: 1 }] },
      { opType: "MatMul", input: ["flat", "W1"], output: ["h1"], name: "fc1" },
      { opType: "Add", input: ["h1", "b1"], output: ["h1b"], name: "fc1_bias" },
      { opType: "Relu", input: ["h1b"], output: [pool3Name], name: "pool3_relu" },
      { opType: "MatMul", input: ["flat", "W2"], output: ["h2"], name: "fc2" },
      { opType: "Add", input: ["h2", "b2"], output: [logitsName], name: "fc2_bias" },
    ],
  };
  const model: Onnx.IModelProto = {
    irVersion: 7,
    producerName: "percept-fixture",
    producerVersion: "1",
    opsetImport: [{ domain: "", version: 13 }],
    graph,
  };
  return onnx.ModelProto.encode(model).finish();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "tests", "fixtures", "onnx", "tiny-inception.onnx");
  const bytes = buildModel();
  writeFileSync(out, bytes);
  console.log(`wrote ${out} (${bytes.length} bytes)`);
}
