import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .map((file) => path.join(dir, file).split(path.sep).join("/"))
    .filter(keep)
    .sort();
}

export type DiscoveredRoute = { key: string; file: string; method: string; handler: (...args: unknown[]) => Promise<Response> };

/** Every exported method of every app/api route file, keyed "METHOD /api/path/[param]". */
export async function discoverRoutes(): Promise<DiscoveredRoute[]> {
  const found: DiscoveredRoute[] = [];
  for (const file of filesUnder("app/api", (f) => f.endsWith("/route.ts"))) {
    const exported = (await import(path.join(ROOT, file))) as Record<string, unknown>;
    const routePath = `/${path.posix.dirname(file).replace(/^app\//, "")}`;
    for (const method of HTTP_METHODS) {
      if (typeof exported[method] === "function") found.push({ key: `${method} ${routePath}`, file, method, handler: exported[method] as DiscoveredRoute["handler"] });
    }
  }
  return found;
}

export type DiscoveredAction = { key: string; action: (form: FormData) => Promise<unknown> };

/** Every exported function of every module-level "use server" file, keyed "file#name". */
export async function discoverServerActions(): Promise<DiscoveredAction[]> {
  const isActionModule = (file: string) => /\.tsx?$/.test(file) && /^\s*["']use server["']/.test(readFileSync(path.join(ROOT, file), "utf8").replace(/^(\s*\/\/[^\n]*\n|\s*\/\*[\s\S]*?\*\/)*/, ""));
  const files = ["app", "lib", "components"].flatMap((dir) => filesUnder(dir, isActionModule));
  const found: DiscoveredAction[] = [];
  for (const file of files) {
    const exported = (await import(path.join(ROOT, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exported)) {
      if (typeof value === "function") found.push({ key: `${file}#${name}`, action: value as DiscoveredAction["action"] });
    }
  }
  return found;
}
