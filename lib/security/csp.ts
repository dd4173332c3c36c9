import { randomBytes } from "node:crypto";

/** A fresh nonce per page request: an injected script cannot guess it. */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

const METRICS_PAGE = /^\/studies\/[^/]+\/metrics\/?$/;

/**
 * The Content-Security-Policy of every page. Next.js puts the request's nonce on its own inline
 * scripts (the RSC payload); bundles, workers and ONNX Runtime's files all come from our origin.
 * 'wasm-unsafe-eval' lets ONNX Runtime compile its WebAssembly; `blob:` workers are allowed because
 * Emscripten's thread pool may start its workers from blob URLs. Development adds what React's
 * dev build and hot reload need ('unsafe-eval', the websocket).
 */
export function contentSecurityPolicy(input: { nonce: string; development: boolean; path?: string }): string {
  // The metrics page's ONNX Runtime stalls at "Checking and loading the model" without eval (seen
  // as a script-src 'eval' violation in tests/e2e/headers.spec.ts); no other page gets it.
  const allowEval = input.development || (input.path !== undefined && METRICS_PAGE.test(input.path));
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    "script-src": ["'self'", `'nonce-${input.nonce}'`, "'wasm-unsafe-eval'", ...(allowEval ? ["'unsafe-eval'"] : [])],
    // React writes style attributes (progress bars, the trial stage's sizes): inline styles stay allowed.
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    // Stimuli are fetched before display; practice stimuli are data: URLs drawn in the page.
    "connect-src": ["'self'", "data:", "blob:", ...(input.development ? ["ws:"] : [])],
    "worker-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(" ")}`)
    .join("; ");
}
