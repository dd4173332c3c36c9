#!/usr/bin/env node
/**
 * Copies onnxruntime-web's WebAssembly runtimes (ort-wasm-simd-threaded.*: plain, JSEP/WebGPU,
 * asyncify, JSPI — .wasm and their .mjs loaders) into public/ort/, so the metrics worker loads them
 * from the app's own origin (`ort.env.wasm.wasmPaths = "/ort/"`): no CDN, works offline.
 * Idempotent; skips files that are already identical (size + mtime). Run before `next dev/build`.
 *
 *   node scripts/copy-ort.mjs [--check]    (--check: exit 1 when public/ort is missing or stale)
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = path.join(root, "node_modules", "onnxruntime-web", "dist");
const target = path.join(root, "public", "ort");
const check = process.argv.includes("--check");

if (!existsSync(source)) {
  console.error(`copy-ort: ${path.relative(root, source)} not found; run npm install first.`);
  process.exit(1);
}
const files = readdirSync(source).filter((name) => /^ort-wasm-simd-threaded\.([a-z]+\.)?(wasm|mjs)$/.test(name));
if (files.length === 0) {
  console.error("copy-ort: no ort-wasm-simd-threaded.* files in onnxruntime-web/dist");
  process.exit(1);
}
mkdirSync(target, { recursive: true });
let copied = 0;
let stale = 0;
for (const name of files) {
  const from = path.join(source, name);
  const to = path.join(target, name);
  const a = statSync(from);
  const fresh = existsSync(to) && statSync(to).size === a.size && statSync(to).mtimeMs >= a.mtimeMs;
  if (fresh) continue;
  stale++;
  if (!check) {
    copyFileSync(from, to);
    copied++;
  }
}
if (check && stale > 0) {
  console.error(`copy-ort: ${stale} file(s) missing or stale in public/ort; run node scripts/copy-ort.mjs`);
  process.exit(1);
}
console.log(`copy-ort: ${copied} copied, ${files.length - stale} up to date → ${path.relative(root, target)}/`);
