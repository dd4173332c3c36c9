/** What both fault scripts do around their fault: a loaded run, then the integrity check. */
import { lognormalThinkTime } from "../load/client";
import { Fleet, type World } from "../load/harness";
import { checkIntegrity, formatIntegrity, type IntegrityReport } from "../load/integrity";
import { formatPhase, phaseReport, type Recorder } from "../load/stats";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const log = (line: string) => console.log(`[faults] ${line}`);

export function loadedFleet(world: World, concurrency: number): Fleet {
  const fleet = new Fleet(world, {
    think: lognormalThinkTime(300, 0.5),
    fetchStimulus: true,
    lostAckRate: 0.02,
    frameMissRate: 0.01,
    // Long enough to outlast a server restart (migrations check + `next start`) on a busy machine.
    retryBudgetMs: 300_000,
  });
  fleet.grow(concurrency);
  return fleet;
}

/**
 * Waits until every annotator has an answer acknowledged: a fault injected during the start-up
 * burst would test session starts, not the trial loop.
 */
export async function untilEveryoneAnswers(fleet: Fleet, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (fleet.acked.size < fleet.size && fleet.failures.length === 0) {
    if (Date.now() > deadline) throw new Error(`only ${fleet.acked.size} of ${fleet.size} annotators got an answer acknowledged in ${timeoutMs / 1000} s`);
    await sleep(250);
  }
  log(`every annotator is in the trial loop`);
}

/** Acknowledged answers per session at this moment. */
export function snapshot(fleet: Fleet): Map<string, number> {
  return new Map([...fleet.acked].map(([session, indices]) => [session, indices.size]));
}

/** Sessions that had answers at `before` and got more since: clients that carried on by themselves. */
export function continuedSessions(fleet: Fleet, before: Map<string, number>): { active: number; continued: number } {
  let continued = 0;
  for (const [session, count] of before) if ((fleet.acked.get(session)?.size ?? 0) > count) continued++;
  return { active: before.size, continued };
}

/** The findings every fault shares: answers flow again and each annotator resumed its session. */
export function resumedFindings(fleet: Fleet, before: Map<string, number>, after: { answers: number; seconds: number }) {
  const { active, continued } = continuedSessions(fleet, before);
  return [
    { name: "answers flow again after the fault", ok: after.answers > 0, detail: `${after.answers} answers in ${after.seconds} s` },
    { name: "every annotator continued its own session", ok: active > 0 && continued === active, detail: `${continued} of ${active} sessions got answers after the fault` },
  ];
}

/** Runs a fault script's main and exits with its code (1 on a crash of the script itself). */
export function runFault(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`[faults] failed: ${error instanceof Error ? error.stack : String(error)}`);
      process.exit(1);
    },
  );
}

export function printWindow(name: string, recorder: Recorder, concurrency: number, seconds: number): void {
  console.log(`— ${name} —`);
  console.log(formatPhase(phaseReport(recorder, concurrency, seconds)));
}

export async function finish(world: World, fleet: Fleet, findings: { name: string; ok: boolean; detail: string }[]): Promise<number> {
  log("stopping the annotators (each finishes the trial in hand)");
  await fleet.stop();
  let integrity: IntegrityReport;
  try {
    integrity = await checkIntegrity(world.databaseUrl, world.study.studyId, fleet.acked);
  } finally {
    await world.close();
  }
  console.log(formatIntegrity(integrity));
  findings.push({ name: "integrity after the fault", ok: integrity.ok, detail: `${integrity.lost.length} acknowledged answers lost, ${integrity.storedAnswers} stored` });
  findings.push({
    name: "no annotator gave up",
    ok: fleet.failures.length === 0,
    detail: fleet.failures.length ? fleet.failures.slice(0, 3).map((error) => error.message).join("; ") : "all carried on",
  });
  console.log("findings:");
  for (const finding of findings) console.log(`  ${finding.ok ? "PASS" : "FAIL"} ${finding.name}: ${finding.detail}`);
  const ok = findings.every((finding) => finding.ok);
  console.log(JSON.stringify({ fault: true, ok, findings }));
  return ok ? 0 : 1;
}
