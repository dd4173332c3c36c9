/**
 * Feature-extraction bench: images/s of an ONNX model with the FID Inception contract in headless
 * Chromium (onnxruntime-web, WASM, cross-origin isolated so it may use threads) and in Node
 * (onnxruntime-node, CPU), on the same random 299×299 batches.
 *
 *   npx tsx bench/features/run.ts [--model fixture|conv|<file.onnx>] [--batch 8] [--batches 6] [--threads 4]
 *
 * `fixture` is tests/fixtures/onnx/tiny-inception.onnx (almost no compute: measures the runtime and
 * tensor overhead); `conv` is built here: four 3×3 stride-2 convolutions (3→32→64→128→256, ReLU),
 * global average pool and the two heads — about 0.34 GMAC per image, a conv workload ~1/17 of the
 * FID Inception's ~5.7 GMAC; pass a real export as a file to measure the real thing. The first
 * batch is a warm-up and is not timed. Progress on stderr; last stdout line is JSON.
 *
 * Like with like: the same model bytes, batch, input and thread count on both sides (ORT Node
 * intraOpNumThreads = ORT Web numThreads, both counting the calling thread), graph optimization
 * "all" on both, the page cross-origin isolated (it reports so) so ORT Web runs
 * ort-wasm-simd-threaded.wasm with real threads; no decode/resize on either side. Compare
 * `--threads 1` with the default to see that the gap is per thread (the kernels), not threading.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "@playwright/test";
import * as ortNode from "onnxruntime-node";
import onnxProto, { type onnx as Onnx } from "onnx-proto";

const { onnx } = onnxProto;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ORT_DIST = path.join(ROOT, "node_modules", "onnxruntime-web", "dist");

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : (process.argv[i + 1] ?? fallback);
}
function intOption(name: string, fallback: number): number {
  const v = Number(option(name, String(fallback)));
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} needs a positive integer`);
  return v;
}

const modelArg = option("model", "conv");
const batch = intOption("batch", 8);
const batches = intOption("batches", 6);
const threads = intOption("threads", Math.min(4, os.availableParallelism()));

/** Deterministic small weights. */
function weights(count: number, scale: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

function tensor(name: string, dims: number[], values: Float32Array): Onnx.ITensorProto {
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

function convModel(): Uint8Array {
  const F = onnx.TensorProto.DataType.FLOAT;
  const channels = [3, 32, 64, 128, 256];
  const initializer: Onnx.ITensorProto[] = [tensor("scale", [], Float32Array.of(1 / 127.5)), tensor("one", [], Float32Array.of(1))];
  const node: Onnx.INodeProto[] = [
    { opType: "Mul", input: ["images", "scale"], output: ["s"] },
    { opType: "Sub", input: ["s", "one"], output: ["x0"] },
  ];
  const ints = onnx.AttributeProto.AttributeType.INTS;
  for (let l = 0; l < 4; l++) {
    const [cin, cout] = [channels[l]!, channels[l + 1]!];
    initializer.push(tensor(`W${l}`, [cout, cin, 3, 3], weights(cout * cin * 9, Math.sqrt(6 / (cin * 9)), 11 + l)), tensor(`B${l}`, [cout], weights(cout, 0.05, 21 + l)));
    node.push(
      {
        opType: "Conv",
        input: [`x${l}`, `W${l}`, `B${l}`],
        output: [`c${l}`],
        attribute: [
          { name: "kernel_shape", type: ints, ints: [3, 3] },
          { name: "strides", type: ints, ints: [2, 2] },
          { name: "pads", type: ints, ints: [1, 1, 1, 1] },
        ],
      },
      { opType: "Relu", input: [`c${l}`], output: [`x${l + 1}`] },
    );
  }
  initializer.push(
    tensor("Wp", [256, 2048], weights(256 * 2048, 0.06, 31)),
    tensor("bp", [2048], weights(2048, 0.1, 32)),
    tensor("Wl", [256, 1008], weights(256 * 1008, 0.06, 33)),
    tensor("bl", [1008], weights(1008, 0.1, 34)),
  );
  node.push(
    { opType: "GlobalAveragePool", input: ["x4"], output: ["g"] },
    { opType: "Flatten", input: ["g"], output: ["f"], attribute: [{ name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: 1 }] },
    { opType: "MatMul", input: ["f", "Wp"], output: ["p"] },
    { opType: "Add", input: ["p", "bp"], output: ["pb"] },
    { opType: "Relu", input: ["pb"], output: ["pool3"] },
    { opType: "MatMul", input: ["f", "Wl"], output: ["l"] },
    { opType: "Add", input: ["l", "bl"], output: ["logits"] },
  );
  const info = (name: string, dims: (number | string)[]): Onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: F, shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) } } },
  });
  return onnx.ModelProto.encode({
    irVersion: 7,
    producerName: "percept-bench",
    opsetImport: [{ domain: "", version: 13 }],
    graph: { name: "conv_bench", input: [info("images", ["N", 3, 299, 299])], output: [info("pool3", ["N", 2048]), info("logits", ["N", 1008])], initializer, node },
  }).finish();
}

function loadModel(): { name: string; bytes: Uint8Array } {
  if (modelArg === "conv") return { name: "conv (built here, ~0.34 GMAC/image)", bytes: convModel() };
  if (modelArg === "fixture") return { name: "tests/fixtures/onnx/tiny-inception.onnx", bytes: readFileSync(path.join(ROOT, "tests/fixtures/onnx/tiny-inception.onnx")) };
  return { name: modelArg, bytes: readFileSync(modelArg) };
}

function input(): Float32Array {
  const x = new Float32Array(batch * 3 * 299 * 299);
  for (let i = 0; i < x.length; i++) x[i] = (Math.imul(i, 2654435761) >>> 24) & 255;
  return x;
}

async function benchNode(model: Uint8Array): Promise<number> {
  const session = await ortNode.InferenceSession.create(model, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: "all" });
  const feeds = { images: new ortNode.Tensor("float32", input(), [batch, 3, 299, 299]) };
  await session.run(feeds);
  const start = performance.now();
  for (let b = 0; b < batches; b++) await session.run(feeds);
  const seconds = (performance.now() - start) / 1000;
  await session.release();
  return (batch * batches) / seconds;
}

const PAGE = (b: number, n: number, t: number) => `<!doctype html><meta charset="utf-8"><script type="module">
import * as ort from "/ort/ort.wasm.min.mjs";
ort.env.wasm.wasmPaths = "/ort/";
ort.env.wasm.numThreads = crossOriginIsolated ? ${t} : 1;
try {
  const model = new Uint8Array(await (await fetch("/model.onnx")).arrayBuffer());
  const session = await ort.InferenceSession.create(model, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
  const x = new Float32Array(${b} * 3 * 299 * 299);
  for (let i = 0; i < x.length; i++) x[i] = (Math.imul(i, 2654435761) >>> 24) & 255;
  const feeds = { images: new ort.Tensor("float32", x, [${b}, 3, 299, 299]) };
  await session.run(feeds);
  const start = performance.now();
  for (let k = 0; k < ${n}; k++) await session.run(feeds);
  const seconds = (performance.now() - start) / 1000;
  window.__result = { imagesPerSecond: ${b} * ${n} / seconds, threads: ort.env.wasm.numThreads, isolated: crossOriginIsolated };
} catch (e) { window.__result = { error: String(e) }; }
</script>`;

function serve(model: Uint8Array): Promise<Server> {
  const isolation = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/") {
      res.writeHead(200, { "Content-Type": "text/html", ...isolation }).end(PAGE(batch, batches, threads));
    } else if (url.pathname === "/model.onnx") {
      res.writeHead(200, { "Content-Type": "application/octet-stream", ...isolation }).end(model);
    } else if (/^\/ort\/[\w.-]+\.(mjs|wasm)$/.test(url.pathname)) {
      const file = path.join(ORT_DIST, path.basename(url.pathname));
      try {
        const body = readFileSync(file);
        res.writeHead(200, { "Content-Type": file.endsWith(".wasm") ? "application/wasm" : "text/javascript", ...isolation }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function benchBrowser(model: Uint8Array): Promise<{ imagesPerSecond: number; threads: number; isolated: boolean }> {
  const server = await serve(model);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 600_000 });
    const result = (await page.evaluate(() => (window as unknown as { __result: unknown }).__result)) as { imagesPerSecond: number; threads: number; isolated: boolean; error?: string };
    if (result.error) throw new Error(`browser: ${result.error}`);
    return result;
  } finally {
    await browser.close();
    server.close();
  }
}

const { name, bytes } = loadModel();
console.error(`model ${name} (${(bytes.length / 1e6).toFixed(1)} MB), batch ${batch} × ${batches} timed batches, ${threads} thread(s)`);
const node = await benchNode(bytes);
console.error(`onnxruntime-node: ${node.toFixed(1)} images/s`);
const web = await benchBrowser(bytes);
console.error(`onnxruntime-web in headless Chromium: ${web.imagesPerSecond.toFixed(1)} images/s (${web.threads} thread(s), isolated ${web.isolated})`);
console.log(`browser/node ratio: ${(web.imagesPerSecond / node).toFixed(2)}`);
console.log(
  JSON.stringify({
    model: name,
    batch,
    batches,
    threads,
    nodeImagesPerSecond: Number(node.toFixed(2)),
    browserImagesPerSecond: Number(web.imagesPerSecond.toFixed(2)),
    browserThreads: web.threads,
    browserIsolated: web.isolated,
    ratio: Number((web.imagesPerSecond / node).toFixed(3)),
  }),
);
