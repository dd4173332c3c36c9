/**
 * Prisma's schema engine, run from the WebAssembly build that the `prisma` CLI package ships.
 *
 * Why: the Prisma 7 CLI downloads a native schema engine on first use, and these machines
 * cannot download. The CLI's own `schema_engine_bg.wasm` is the same engine (its version() is the
 * CLI's engines commit); we drive it with the JS glue from `@prisma/schema-engine-wasm` and a
 * driver adapter. See docs/database.md.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import * as glue from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";

export type { SchemaEngine };

type PanicRegistry = { set_message(message: string): void };
const globals = globalThis as typeof globalThis & { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };

let lastPanic: string | undefined;
let instantiated = false;

function instantiateOnce(): void {
  if (instantiated) return;
  // The glue reports Rust panics through this global; it must exist before the module loads.
  globals.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message(message: string) {
      lastPanic = message;
    },
  };
  const require = createRequire(import.meta.url);
  const wasmPath = path.join(path.dirname(require.resolve("prisma/package.json")), "build", "schema_engine_bg.wasm");
  const wasmModule = new WebAssembly.Module(readFileSync(wasmPath));
  const instance = new WebAssembly.Instance(wasmModule, {
    "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
  });
  const exports = instance.exports as unknown as { __wbindgen_start: () => void };
  glue.__wbg_set_wasm(instance.exports);
  exports.__wbindgen_start();
  instantiated = true;
}

export function lastEnginePanic(): string | undefined {
  return lastPanic;
}

export type EngineLog = (line: string) => void;

/**
 * Starts an engine. `datamodels` are [path, content] pairs, or undefined when the command
 * needs no schema (e.g. `migrate diff` between two sources).
 */
export async function startSchemaEngine(options: {
  datamodels: [string, string][] | undefined;
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  log?: EngineLog;
}): Promise<SchemaEngine> {
  instantiateOnce();
  const log = options.log ?? (() => {});
  return (await glue.SchemaEngine.new(
    { datamodels: options.datamodels },
    (line: string) => log(line),
    bindMigrationAwareSqlAdapterFactory(options.adapterFactory),
  )) as SchemaEngine;
}

export function engineVersion(): string {
  instantiateOnce();
  return glue.version();
}
