/**
 * Fault: restart PostgreSQL (`pg_ctlcluster --skip-systemctl-redirect 15 <cluster> restart`) in the
 * middle of a loaded run, without touching the app. Passes when, meanwhile, requests fail cleanly
 * (only JSON 503 UNAVAILABLE with Retry-After: no 500, no HTML, no request hanging past 10 s),
 * the same server process recovers by itself, no acknowledged answer is lost and every annotator
 * carries on with its session.
 *
 *   npx tsx bench/faults/pg-restart.ts [--concurrency 50] [--before 10] [--after 15] [--port 3402]
 *   npx tsx bench/faults/pg-restart.ts --cluster main --pg postgresql://percept_ci:percept_ci@127.0.0.1:5432/postgres
 *
 * Root only. By default on the private fault cluster (bench/faults/cluster.ts), so that the
 * shared one's other users are not cut off; `--cluster main` restarts the shared one.
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { createWorld } from "../load/harness";
import { assertRoot, ensureFaultCluster, FAULT_CLUSTER, restartCluster } from "./cluster";
import { finish, loadedFleet, log, printWindow, resumedFindings, runFault, sleep, snapshot, untilEveryoneAnswers } from "./common";

const { values: args } = parseArgs({
  options: {
    concurrency: { type: "string", default: "50" },
    before: { type: "string", default: "10" },
    after: { type: "string", default: "15" },
    port: { type: "string", default: "3402" },
    cluster: { type: "string", default: FAULT_CLUSTER.name },
    version: { type: "string", default: FAULT_CLUSTER.version },
    pg: { type: "string" },
  },
});

const HANG_MS = 10_000;
const CLEAN_FAILURES = new Set(["503"]);

/** Polls /api/health while the database restarts: every answer must come quickly and be JSON. */
async function probeHealth(url: string, until: () => boolean): Promise<{ statuses: Map<string, number>; slowestMs: number }> {
  const statuses = new Map<string, number>();
  let slowestMs = 0;
  while (!until()) {
    const t0 = performance.now();
    let key: string;
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(HANG_MS * 3) });
      const body = await response.text();
      key = `${response.status}${response.headers.get("content-type")?.includes("application/json") && body.startsWith("{") ? "" : " non-JSON"}`;
    } catch (error) {
      key = (error as Error).name;
    }
    slowestMs = Math.max(slowestMs, performance.now() - t0);
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
    await sleep(100);
  }
  return { statuses, slowestMs };
}

async function main(): Promise<number> {
  assertRoot();
  if (args.cluster !== FAULT_CLUSTER.name && !args.pg) throw new Error("--cluster other than the private one needs --pg (a URL to that cluster)");
  const concurrency = Number(args.concurrency);
  const world = await createWorld({ pgServerUrl: args.pg ?? ensureFaultCluster(), port: Number(args.port), log });
  const serverPid = world.server!.pid;
  const fleet = loadedFleet(world, concurrency);
  await untilEveryoneAnswers(fleet);
  fleet.newWindow();
  await sleep(Number(args.before) * 1000);
  printWindow("before the restart", fleet.newWindow(), concurrency, Number(args.before));

  const before = snapshot(fleet);
  let restarted = false;
  let recoveredAt = 0;
  const probe = probeHealth(world.baseUrl, () => restarted && recoveredAt > 0);
  const down = performance.now();
  log(`pg_ctlcluster --skip-systemctl-redirect ${args.version} ${args.cluster} restart`);
  restartCluster(args.version!, args.cluster!);
  restarted = true;
  log(`PostgreSQL restarted in ${((performance.now() - down) / 1000).toFixed(1)} s; waiting for answers to flow again`);
  const answersAtRestart = fleet.recorder.answers;
  while (fleet.recorder.answers <= answersAtRestart + concurrency && performance.now() - down < 120_000) await sleep(100);
  recoveredAt = performance.now();
  const { statuses, slowestMs } = await probe;
  const faultWindow = fleet.newWindow();
  const faultSeconds = (recoveredAt - down) / 1000;
  printWindow("during the restart, until answers flowed again", faultWindow, concurrency, faultSeconds);
  log(`health probe meanwhile: ${[...statuses].map(([key, count]) => `${key} ×${count}`).join(", ")}; slowest ${slowestMs.toFixed(0)} ms`);

  await sleep(Number(args.after) * 1000);
  const afterWindow = fleet.newWindow();
  printWindow("after recovery", afterWindow, concurrency, Number(args.after));

  const unclean = [...faultWindow.errors, ...afterWindow.errors].filter(([key]) => !CLEAN_FAILURES.has(key.split(" ")[1]!));
  const slowest = Math.max(...(faultWindow.latencies.get("answer") ?? [0]), ...(faultWindow.latencies.get("next") ?? [0]));
  return finish(world, fleet, [
    {
      name: "failures were clean JSON 503s with Retry-After",
      ok: unclean.length === 0,
      detail: unclean.length ? unclean.map(([key, count]) => `${key} ×${count}`).join(", ") : `${[...faultWindow.errors.values()].reduce((a, b) => a + b, 0)} × 503 UNAVAILABLE`,
    },
    { name: "no request hung", ok: slowestMs < HANG_MS && slowest < HANG_MS, detail: `slowest health probe ${slowestMs.toFixed(0)} ms, slowest successful next/answer ${slowest.toFixed(0)} ms` },
    { name: "recovered without restarting the app", ok: world.server!.pid === serverPid && faultSeconds < 120, detail: `same server pid ${serverPid}; answers flowing again ${faultSeconds.toFixed(1)} s after the restart began` },
    ...resumedFindings(fleet, before, { answers: afterWindow.answers, seconds: Number(args.after) }),
  ]);
}

runFault(main);
