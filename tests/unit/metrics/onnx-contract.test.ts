import { readFileSync } from "node:fs";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import {
  assertInceptionContract,
  checkInceptionContract,
  OnnxContractError,
  readOnnxSignature,
} from "@/lib/metrics/onnx-contract";
import { buildModel } from "../../../scripts/make-fixture-model";

const FIXTURE = path.resolve(__dirname, "../../fixtures/onnx/tiny-inception.onnx");

function problemsOf(bytes: Uint8Array): string[] {
  try {
    assertInceptionContract(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(OnnxContractError);
    return (error as OnnxContractError).problems;
  }
  throw new Error("expected the contract check to fail");
}

describe("ONNX fixture model", () => {
  it("is exactly what the generator writes (deterministic seed)", () => {
    expect(Buffer.compare(readFileSync(FIXTURE), Buffer.from(buildModel()))).toBe(0);
  });

  it("runs in onnxruntime-node with the FID Inception shapes; pool3 is non-negative", async () => {
    const session = await ort.InferenceSession.create(FIXTURE);
    const n = 2;
    const x = new Float32Array(n * 3 * 299 * 299).map((_, i) => (i * 7) % 256);
    const out = await session.run({ images: new ort.Tensor("float32", x, [n, 3, 299, 299]) });
    expect(out.pool3!.dims).toEqual([n, 2048]);
    expect(out.logits!.dims).toEqual([n, 1008]);
    const pool3 = out.pool3!.data as Float32Array;
    expect(Math.min(...pool3)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...pool3)).toBeGreaterThan(0);
  });
});

describe("readOnnxSignature / checkInceptionContract", () => {
  it("accepts the fixture and reads its signature", () => {
    const check = assertInceptionContract(readFileSync(FIXTURE));
    expect(check.ok).toBe(true);
    expect(check.fixedBatch).toBeNull();
    expect(check.signature.opsetVersion).toBe(13);
    expect(check.signature.inputs).toEqual([{ name: "images", type: "float32", shape: ["N", 3, 299, 299] }]);
    expect(check.signature.outputs).toEqual([
      { name: "pool3", type: "float32", shape: ["N", 2048] },
      { name: "logits", type: "float32", shape: ["N", 1008] },
    ]);
  });

  it("reports a fixed batch size", () => {
    const check = assertInceptionContract(buildModel({ inputDims: [8, 3, 299, 299] }));
    expect(check.fixedBatch).toBe(8);
  });

  it("refuses a text file, an empty file and random bytes as 'not an ONNX model'", () => {
    const text = new TextEncoder().encode("this is a plain text file, certainly not an ONNX model\n".repeat(3));
    for (const bytes of [text, new Uint8Array(0), Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)]) {
      const problems = problemsOf(bytes);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^This file is not an ONNX model/);
    }
  });

  it("names a wrong input name, size and output dimension", () => {
    const problems = problemsOf(buildModel({ inputName: "input", size: 224, pool3Dim: 512 }));
    expect(problems).toContain('the input is named "input", expected "images"');
    expect(problems.some((p) => p.includes('input "input" has size 224 on axis 2, expected 299'))).toBe(true);
    expect(problems.some((p) => p.includes('output "pool3" has size 512 on axis 1, expected 2048'))).toBe(true);
    expect(problems).toHaveLength(4); // name, axis 2, axis 3, pool3
  });

  it("names a missing output and a wrong element type", () => {
    const missing = problemsOf(buildModel({ logitsName: "fc" }));
    expect(missing).toEqual(['no output named "logits" (outputs: "pool3" [N, 2048], "fc" [N, 1008])']);
    const uint8 = problemsOf(buildModel({ inputElemType: 2 }));
    expect(uint8).toEqual(['input "images" is uint8, expected float32']);
  });

  it("names a wrong rank", () => {
    const check = checkInceptionContract(readOnnxSignature(buildModel({ inputDims: ["N", 299, 299] })));
    expect(check.problems).toEqual(['input "images" has shape [N, 299, 299], expected [N, 3, 299, 299]']);
  });

  it("refuses a model with more than one real input", () => {
    const sig = readOnnxSignature(readFileSync(FIXTURE));
    sig.inputs.push({ name: "W1", type: "float32", shape: [27, 2048] });
    expect(checkInceptionContract(sig).problems[0]).toMatch(/has 2 inputs/);
  });
});
