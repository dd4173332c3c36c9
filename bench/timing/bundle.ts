import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type BuildOptions } from "esbuild";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * One browser bundle for the timing pages, as ES modules: that keeps import.meta.url, so
 * worker-presenter.ts finds its worker as under Next (new URL("./presenter.worker.ts", …) →
 * /presenter.worker.ts next to the page's script).
 */
export async function bundleForBrowser(entry: string, extra: BuildOptions = {}): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    alias: { "@": root },
    logLevel: "silent",
    ...extra,
  });
  return out.outputFiles![0]!.text;
}
