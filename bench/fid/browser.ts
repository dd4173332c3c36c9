import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { chromium } from "playwright";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../tests/support/chromium";
import { bundleForBrowser, root } from "../timing/bundle";
import type { Gaussian } from "../../lib/metrics";
import type { FidBenchReply } from "./worker";

/**
 * Runs bench/fid/worker.ts in headless Debian Chromium on the given
 * Gaussians. The page is served with COOP/COEP like the metrics page, so
 * the worker runs cross-origin isolated there too.
 */
export async function timeInChromium(g1: Gaussian, g2: Gaussian, repeat: number, kernels: "auto" | "ts"): Promise<FidBenchReply> {
  const d = g1.mean.length;
  const data = new Float64Array(2 * d + 2 * d * d);
  data.set(g1.mean, 0);
  data.set(g2.mean, d);
  data.set(g1.cov, 2 * d);
  data.set(g2.cov, 2 * d + d * d);
  const worker = await bundleForBrowser(path.join(root, "bench/fid/worker.ts"));
  const page = `<!doctype html><meta charset="utf-8"><title>fid bench</title><script type="module">
const data = await (await fetch("/data.bin")).arrayBuffer();
const worker = new Worker("/worker.js", { type: "module" });
worker.onerror = (e) => { window.__result = { error: e.message }; };
worker.onmessage = (e) => { window.__result = e.data; };
worker.postMessage({ d: ${d}, data, repeat: ${repeat}, kernels: ${JSON.stringify(kernels)} }, [data]);
</script>`;
  const server = await serve({
    "/": ["text/html", page],
    "/worker.js": ["text/javascript", worker],
    "/data.bin": ["application/octet-stream", new Uint8Array(data.buffer)],
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await tab.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 0, polling: 500 });
    const result = (await tab.evaluate(() => (window as unknown as { __result: unknown }).__result)) as FidBenchReply & { error?: string };
    if (result.error) throw new Error(`browser: ${result.error}`);
    return result;
  } finally {
    await browser.close();
    server.close();
  }
}

function serve(routes: Record<string, [string, string | Uint8Array]>): Promise<Server> {
  const isolation = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp", "Cache-Control": "no-store" };
  const server = createServer((req, res) => {
    const route = routes[new URL(req.url ?? "/", "http://localhost").pathname];
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": route[0], ...isolation }).end(route[1]);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}
