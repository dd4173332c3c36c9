/**
 * Fault: SIGKILL the production server in the middle of a loaded run, then start it again.
 * Passes when no acknowledged answer is lost (integrity check) and every annotator carries on
 * with its own session after the restart, by itself (retry with backoff on connection errors).
 *
 *   npx tsx bench/faults/sigkill.ts [--concurrency 50] [--before 10] [--after 15] [--port 3401]
 *
 * Needs a production build (`npm run build`). The server's PostgreSQL is the private fault
 * cluster (bench/faults/cluster.ts, root) unless --pg names another server.
 */
import { parseArgs } from "node:util";
import { createWorld } from "../load/harness";
import { ensureFaultCluster } from "./cluster";
import { finish, loadedFleet, log, printWindow, resumedFindings, runFault, sleep, snapshot, untilEveryoneAnswers } from "./common";

const { values: args } = parseArgs({
  options: {
    concurrency: { type: "string", default: "50" },
    before: { type: "string", default: "10" },
    after: { type: "string", default: "15" },
    port: { type: "string", default: "3401" },
    pg: { type: "string" },
  },
});

async function main(): Promise<number> {
  const concurrency = Number(args.concurrency);
  const world = await createWorld({ pgServerUrl: args.pg ?? ensureFaultCluster(), port: Number(args.port), log });
  const fleet = loadedFleet(world, concurrency);
  await untilEveryoneAnswers(fleet);
  fleet.newWindow();
  await sleep(Number(args.before) * 1000);
  printWindow("before the kill", fleet.newWindow(), concurrency, Number(args.before));

  const before = snapshot(fleet);
  const acknowledgedBefore = [...before.values()].reduce((sum, count) => sum + count, 0);
  log(`SIGKILL to the server's process group (pid ${world.server!.pid}) with ${acknowledgedBefore} answers acknowledged; restarting it`);
  const { downMs } = await world.restartServer("SIGKILL");
  log(`server back after ${(downMs / 1000).toFixed(1)} s (pid ${world.server!.pid})`);
  printWindow("while down and restarting", fleet.newWindow(), concurrency, downMs / 1000);

  await sleep(Number(args.after) * 1000);
  const afterWindow = fleet.newWindow();
  printWindow("after the restart", afterWindow, concurrency, Number(args.after));
  return finish(world, fleet, resumedFindings(fleet, before, { answers: afterWindow.answers, seconds: Number(args.after) }));
}

runFault(main);
