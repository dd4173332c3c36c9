/**
 * Stand-in for Prisma's native schema engine, so that the ordinary `prisma` commands
 * (migrate dev/deploy/status/diff/reset/resolve, db push, validate, format) work offline.
 * The CLI finds it through PRISMA_SCHEMA_ENGINE_BINARY (set in prisma.config.ts) and talks
 * JSON-RPC 2.0 over stdin/stdout, one message per line, exactly as to the native binary.
 * The work is done by the CLI's own WASM build of the same engine (lib/db/engine).
 */
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import pg from "pg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import { migrationAdapterFor } from "@/lib/db/engine/migration-adapters";
import { engineVersion, lastEnginePanic, startSchemaEngine } from "@/lib/db/engine/wasm-engine";
import { lockEmbeddedDataDir } from "@/lib/db/database-lock";
import { migrationTimestamp } from "@/lib/db/migration-files";
import { datasourceUrlToTarget } from "@/lib/db/prisma-cli-url";
import type { DbTarget } from "@/lib/db/target";

type Args = { datamodels: string[]; datasourceUrl?: string; cliCommand?: string; version: boolean };

function parseArgs(argv: string[]): Args {
  const args: Args = { datamodels: [], version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--datamodels") args.datamodels.push(argv[++i] ?? "");
    else if (arg === "--datasource") args.datasourceUrl = (JSON.parse(argv[++i] ?? "{}") as { url?: string }).url;
    else if (arg === "--enabled-preview-features" || arg === "--extension-types") i++;
    else if (arg === "--version" || arg === "-V") args.version = true;
    else if (arg === "cli") args.cliCommand = argv[++i];
  }
  return args;
}

/** The CLI reads failures of `cli` sub-commands as JSON log lines on stderr (after the first line). */
function failCli(errorCode: string, message: string): never {
  process.stderr.write("schema-engine stand-in\n");
  process.stderr.write(
    `${JSON.stringify({ level: "ERROR", target: "schema_engine::logger", fields: { error_code: errorCode, message } })}\n`,
  );
  process.exit(1);
}

async function runCliCommand(command: string, target: DbTarget): Promise<void> {
  if (target.kind === "pglite") return; // the embedded database always exists and is reachable
  const url = new URL(target.url);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (command === "can-connect-to-database") {
    const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
    } catch (error) {
      const pgError = error as { code?: string; message: string };
      if (pgError.code === "3D000") failCli("P1003", `Database \`${name}\` does not exist`);
      failCli("P1001", `Can't reach database server at \`${url.host}\`: ${pgError.message}`);
    } finally {
      await client.end().catch(() => {});
    }
    return;
  }
  url.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 10_000 });
  await admin.connect();
  try {
    const quoted = `"${name.replaceAll('"', '""')}"`;
    if (command === "create-database") await admin.query(`CREATE DATABASE ${quoted}`);
    else if (command === "drop-database") await admin.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
    else failCli("P1000", `Unknown schema engine cli command: ${command}`);
  } finally {
    await admin.end();
  }
}

type RpcRequest = { id: number | string; method: string; params?: Record<string, unknown> };

/**
 * The WASM engine cannot create migrations on PostgreSQL ("shadow DB must be provided through an
 * external factory"): answer with a diff from the migrations folder to the schema, which is the
 * same SQL, and let the CLI write the folder as usual.
 */
async function createMigrationByDiff(engine: SchemaEngine, params: Record<string, unknown>) {
  const input = params as unknown as Parameters<SchemaEngine["createMigration"]>[0];
  const result = await engine.diff({
    from: { tag: "migrations", ...input.migrationsList },
    to: { tag: "schemaDatamodel", files: input.schema.files },
    script: true,
    exitCode: true,
    filters: input.filters,
  });
  const changed = result.exitCode === 2;
  return {
    connectorType: "postgresql",
    generatedMigrationName: `${migrationTimestamp()}_${input.migrationName}`,
    migrationScript: changed || input.draft ? (result.stdout ?? "") : null,
    extension: "sql",
  };
}

/**
 * The native engine takes the connector of a brand-new migrations folder (no lockfile yet) from
 * the schema; the WASM build insists on a lockfile, so supply the one the CLI is about to write.
 */
function withLockfile(params: Record<string, unknown> | undefined): Record<string, unknown> {
  const list = params?.migrationsList as { lockfile?: { path: string; content: string | null } } | undefined;
  if (list?.lockfile && list.lockfile.content === null) list.lockfile.content = 'provider = "postgresql"\n';
  return params ?? {};
}

async function serve(engine: SchemaEngine): Promise<void> {
  const send = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const request = JSON.parse(line) as RpcRequest;
    if (!request.method) continue; // the CLI acknowledging one of our "print" requests
    request.params = withLockfile(request.params);
    try {
      let result: unknown;
      if (request.method === "createMigration") result = await createMigrationByDiff(engine, request.params);
      else if (request.method === "getDatabaseVersion") result = await engine.version();
      else if (request.method === "diff") {
        // The native engine hands the script to the CLI as a "print" request, not in the result.
        const diff = await engine.diff(request.params as unknown as Parameters<SchemaEngine["diff"]>[0]);
        if (diff.stdout) send({ jsonrpc: "2.0", id: `print-${request.id}`, method: "print", params: { content: diff.stdout } });
        result = { ...diff, stdout: null };
      }
      else {
        const method = (engine as unknown as Record<string, (params: unknown) => Promise<unknown>>)[request.method];
        if (typeof method !== "function") throw Object.assign(new Error(`Unknown method ${request.method}`), { code: "P1000" });
        result = await method.call(engine, request.params);
      }
      send({ jsonrpc: "2.0", id: request.id, result: result ?? null });
    } catch (error) {
      const err = error as Error & { code?: string; meta?: unknown };
      const panic = lastEnginePanic();
      send({
        jsonrpc: "2.0",
        id: request.id,
        error: {
          code: 4466,
          message: "An error happened. Check the data field for details.",
          data: { is_panic: Boolean(panic), message: panic ?? err.message, error_code: err.code, meta: err.meta ?? {} },
        },
      });
    }
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.version) {
    console.log(`schema-engine-cli ${engineVersion()} (wasm stand-in)`);
    return;
  }
  const target = datasourceUrlToTarget(args.datasourceUrl);
  if (args.cliCommand) return runCliCommand(args.cliCommand, target);

  const unlock = target.kind === "pglite" ? lockEmbeddedDataDir(target.dataDir) : () => {};
  const adapter = await migrationAdapterFor(target);
  try {
    const datamodels = args.datamodels.length
      ? args.datamodels.map((file): [string, string] => [file, readFileSync(file, "utf8")])
      : undefined;
    const engine = await startSchemaEngine({
      datamodels,
      adapterFactory: adapter.factory,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    await serve(engine);
    engine.free();
  } finally {
    await adapter.close();
    unlock();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${JSON.stringify({ level: "ERROR", fields: { message: String((error as Error)?.message ?? error) } })}\n`);
    process.exit(1);
  },
);
