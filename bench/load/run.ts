/**
 * Load bench: simulated annotators against the production build on PostgreSQL.
 *
 *   npx tsx bench/load/run.ts                        # 50, 150, 300 concurrent, 30 s each, think time lognormal(600 ms, σ 0.5)
 *   npx tsx bench/load/run.ts --saturate             # zero think time, 64 concurrent: the throughput ceiling
 *   npx tsx bench/load/run.ts --concurrency 20 --duration 10 --think-ms 0
 *   npx tsx bench/load/run.ts --url http://127.0.0.1:3000 --database-url postgresql://… --auth-secret … --data-dir …   # attach
 *
 * It creates its own database (on --pg, default the CI role's server) with a live HYPE_time study,
 * starts `npm start` on --port (needs `npm run build` first), runs each concurrency for --duration
 * seconds after a warm-up (every annotator has started its session, then 3 s), prints throughput,
 * p50/p95/p99 latency of each request kind and errors by status, then checks integrity in SQL
 * (bench/load/integrity.ts) and exits non-zero when it fails. The last line is one JSON object.
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { lognormalThinkTime } from "./client";
import { createWorld, DEFAULT_PG_SERVER, Fleet } from "./harness";
import { checkIntegrity, formatIntegrity } from "./integrity";
import { formatPhase, phaseReport, type PhaseReport } from "./stats";

const { values: args } = parseArgs({
  options: {
    concurrency: { type: "string" },
    duration: { type: "string", default: "30" },
    "think-ms": { type: "string", default: "600" },
    "think-sigma": { type: "string", default: "0.5" },
    saturate: { type: "boolean", default: false },
    "no-stimulus": { type: "boolean", default: false },
    "lost-ack-rate": { type: "string", default: "0.02" },
    "frame-miss-rate": { type: "string", default: "0.01" },
    port: { type: "string", default: "3400" },
    pg: { type: "string", default: process.env.TEST_DATABASE_URL ?? DEFAULT_PG_SERVER },
    url: { type: "string" },
    "database-url": { type: "string" },
    "auth-secret": { type: "string" },
    "data-dir": { type: "string" },
    keep: { type: "boolean", default: false },
  },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => console.log(`[load] ${line}`);

async function main(): Promise<number> {
  const concurrencies = (args.concurrency ?? (args.saturate ? "64" : "50,150,300")).split(",").map(Number);
  const thinkMs = args.saturate ? 0 : Number(args["think-ms"]);
  const durationMs = Number(args.duration) * 1000;
  if (args.url && (!args["database-url"] || !args["auth-secret"] || !args["data-dir"])) {
    throw new Error("--url needs the server's own --database-url, --auth-secret and --data-dir (PERCEPT_DATA_DIR: the bench writes its images there)");
  }
  log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  log(`think time: ${thinkMs === 0 ? "none (saturation)" : `lognormal, median ${thinkMs} ms, σ ${args["think-sigma"]}`}; stimulus fetch ${args["no-stimulus"] ? "off" : "on"}; lost-ack resend rate ${args["lost-ack-rate"]}`);

  const world = await createWorld({
    pgServerUrl: args.pg!,
    port: Number(args.port),
    attach: args.url ? { url: args.url, databaseUrl: args["database-url"]!, authSecret: args["auth-secret"]!, dataDir: args["data-dir"]! } : undefined,
    log,
  });
  const fleet = new Fleet(world, {
    think: thinkMs === 0 ? () => 0 : lognormalThinkTime(thinkMs, Number(args["think-sigma"])),
    fetchStimulus: !args["no-stimulus"],
    lostAckRate: Number(args["lost-ack-rate"]),
    frameMissRate: Number(args["frame-miss-rate"]),
    retryBudgetMs: 120_000,
  });
  const phases: PhaseReport[] = [];
  try {
    for (const concurrency of concurrencies) {
      fleet.grow(concurrency);
      fleet.newWindow();
      // Warm-up: wait until every new annotator has its session (starts queue on the study's lock).
      const newcomers = concurrency - (phases.at(-1)?.concurrency ?? 0);
      while ((fleet.recorder.latencies.get("device")?.length ?? 0) < newcomers && fleet.failures.length === 0) await sleep(200);
      await sleep(3_000);
      fleet.newWindow();
      const started = performance.now();
      await sleep(durationMs);
      const report = phaseReport(fleet.newWindow(), concurrency, (performance.now() - started) / 1000);
      phases.push(report);
      console.log(formatPhase(report));
    }
  } catch (error) {
    await fleet.stop();
    await world.close({ keepDatabase: true });
    throw error;
  }
  log("stopping the annotators (each finishes the trial in hand)");
  await fleet.stop();
  for (const failure of fleet.failures.slice(0, 5)) log(`annotator failed: ${failure.message}`);
  const integrity = await checkIntegrity(world.databaseUrl, world.study.studyId, fleet.acked).finally(() => world.close({ keepDatabase: args.keep }));
  console.log(formatIntegrity(integrity));
  const ok = integrity.ok && fleet.failures.length === 0;
  console.log(JSON.stringify({ bench: "load", thinkMs, phases, integrity: { ...integrity, lost: integrity.lost.length, unacknowledged: integrity.unacknowledged.length }, annotatorFailures: fleet.failures.length, ok }));
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[load] failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
