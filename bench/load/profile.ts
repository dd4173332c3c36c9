/**
 * Query profile of the annotator's hot path, without HTTP: one session driven through the
 * services (start, device, then next → answer for --trials trials) on a fresh PostgreSQL database,
 * counting the SQL statements each call sends (the trial loop's plain SQL, lib/db/sql.ts) and
 * timing each call in process. Run: npx tsx bench/load/profile.ts [--trials 450] [--pg postgresql://…]
 */
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { sqlOf, type Sql } from "@/lib/db";
import { openDb } from "@/lib/db/client";
import { joinStudy } from "@/lib/sessions/participants";
import { startSession } from "@/lib/sessions/start";
import { nextTrial, submitAnswer } from "@/lib/sessions/trials";
import { recordDevice } from "@/lib/sessions/view";
import { DEFAULT_PG_SERVER } from "./harness";
import { createLoadStudy, createRunDatabase } from "./setup";
import { summarize } from "./stats";
import pg from "pg";

const { values: args } = parseArgs({
  options: {
    trials: { type: "string", default: "450" },
    pg: { type: "string", default: process.env.TEST_DATABASE_URL ?? DEFAULT_PG_SERVER },
  },
});

const SECRET = "profile-secret-profile-secret-profile!";
const DEVICE = { refreshHz: 60, windowWidth: 1280, windowHeight: 800, devicePixelRatio: 1, fullscreen: true, touch: false, userAgent: "profile" };

async function main() {
  const name = `percept_profile_${Date.now()}`;
  process.env.PERCEPT_DATA_DIR = `/tmp/${name}`;
  const url = await createRunDatabase(args.pg!, name);
  const study = await createLoadStudy(url);
  const handle = openDb({ kind: "postgres", url }, { poolSize: 4 });
  const db = handle.db;
  const statements: string[] = [];
  const sql = sqlOf(db);
  const send = sql.query.bind(sql);
  sql.query = ((text: string, params?: readonly unknown[]) => {
    statements.push(text.replace(/\s+/g, " ").slice(0, 160));
    return send(text, params);
  }) as Sql["query"];

  async function measure<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; queries: string[] }> {
    statements.length = 0;
    const t0 = performance.now();
    const result = await work();
    return { result, ms: performance.now() - t0, queries: [...statements] };
  }

  try {
    const { participantId, studyId } = await joinStudy(db, { linkCode: study.linkCode });
    const start = await measure(() => startSession(db, { studyId, participantId }));
    console.log(`startSession: ${start.ms.toFixed(1)} ms (Prisma; first session of the study: makes the masks)`);
    const sessionId = start.result.id;
    await recordDevice(db, sessionId, participantId, DEVICE);
    const timings = { next: [] as number[], answer: [] as number[] };
    const counts = { next: new Map<number, number>(), answer: new Map<number, number>() };
    let example: { next: string[]; answer: string[] } | null = null;
    for (let i = 0; i < Number(args.trials); i++) {
      const next = await measure(() => nextTrial(db, { sessionId, participantId, secret: SECRET }));
      if (!("trial" in next.result)) break;
      const trial = next.result.trial;
      const frames = trial.exposure?.frames ?? null;
      const answer = await measure(() =>
        submitAnswer(db, {
          sessionId,
          participantId,
          answer: { index: trial.index, answer: i % 3 === 0 ? "real" : "generated", requestedFrames: frames, presentedFrames: frames, measuredMs: 100, refreshHz: 60, flags: [], clientTimes: { stimulusOnset: 1, stimulusOffset: 2, responseAt: 3 } },
        }),
      );
      timings.next.push(next.ms);
      timings.answer.push(answer.ms);
      counts.next.set(next.queries.length, (counts.next.get(next.queries.length) ?? 0) + 1);
      counts.answer.set(answer.queries.length, (counts.answer.get(answer.queries.length) ?? 0) + 1);
      example ??= { next: next.queries, answer: answer.queries };
    }
    for (const op of ["next", "answer"] as const) {
      const s = summarize(timings[op]);
      const early = summarize(timings[op].slice(10, 60));
      const late = summarize(timings[op].slice(-50));
      console.log(
        `${op}: statements per call ${[...counts[op]].map(([n, times]) => `${n} (×${times})`).join(", ")}; ` +
          `in-process ms p50 ${s.p50.toFixed(2)} p99 ${s.p99.toFixed(2)}; trials 10–60 p50 ${early.p50.toFixed(2)}, last 50 p50 ${late.p50.toFixed(2)}`,
      );
    }
    console.log("statements of the first next trial:\n  " + example!.next.join("\n  "));
    console.log("statements of the first answer:\n  " + example!.answer.join("\n  "));
  } finally {
    await handle.close();
    const admin = new pg.Client({ connectionString: args.pg });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
