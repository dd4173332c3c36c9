/**
 * The integrity check run after every load run and fault script, in SQL plus a TS replay:
 * - every acknowledged answer is stored (none lost), and every stored answer was acknowledged;
 * - no (session, trial index) is stored twice;
 * - every session's stored staircase state equals lib/hype's replay of its stored answers
 *   (per HYPE_time block, in index order, leaving out replaced trials as the server does).
 */
import { isDeepStrictEqual } from "node:util";
import pg from "pg";
import { REPLACED_FLAG, replayStaircase } from "@/lib/hype";
import { parsePlan } from "@/lib/sessions/plan";
import { parseStudyConfig, staircaseParamsOf } from "@/lib/studies/config";

/** Acknowledged answers by session id: the trial indices whose answer got a 2xx. */
export type Acknowledged = ReadonlyMap<string, ReadonlySet<number>>;

export type IntegrityReport = {
  ok: boolean;
  sessions: number;
  storedAnswers: number;
  acknowledged: number;
  /** Acknowledged but not stored: answers lost. */
  lost: string[];
  /** Stored but never acknowledged: a client gave up on a request the server had committed. */
  unacknowledged: string[];
  duplicates: string[];
  staircaseMismatches: string[];
};

type AnsweredRow = { sessionId: string; index: number; block: number; correct: boolean; flags: string[] };
type SessionRow = { id: string; plan: unknown; staircaseState: Record<string, unknown> | null };

function replayedStaircases(session: SessionRow, answers: AnsweredRow[], params: ReturnType<typeof staircaseParamsOf>): Record<string, unknown> {
  const plan = parsePlan(session.plan);
  const replayed: Record<string, unknown> = {};
  plan.blocks.forEach((block, position) => {
    if (block.protocol !== "hype_time") return;
    const inBlock = answers.filter((row) => row.block === position && !row.flags.includes(REPLACED_FLAG));
    // The server creates a block's staircase when it issues the block's first trial.
    if (inBlock.length > 0 || session.staircaseState?.[String(position)] !== undefined) {
      replayed[String(position)] = replayStaircase(params, inBlock.map((row) => row.correct));
    }
  });
  return replayed;
}

function staircaseMismatches(session: SessionRow, answers: AnsweredRow[], params: ReturnType<typeof staircaseParamsOf>): string[] {
  const stored = session.staircaseState ?? {};
  const replayed = replayedStaircases(session, answers, params);
  const blocks = new Set([...Object.keys(stored), ...Object.keys(replayed)]);
  return [...blocks]
    .filter((block) => !isDeepStrictEqual(stored[block], replayed[block]))
    .map((block) => `session ${session.id} block ${block}: stored staircase differs from the replay of its ${answers.filter((row) => String(row.block) === block).length} answers`);
}

export async function checkIntegrity(databaseUrl: string, studyId: string, acknowledged?: Acknowledged): Promise<IntegrityReport> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const study = await client.query<{ config: unknown }>(`SELECT config FROM "Study" WHERE id = $1`, [studyId]);
    const params = staircaseParamsOf(parseStudyConfig(study.rows[0]?.config));
    const duplicates = await client.query<{ sessionId: string; index: number; copies: string }>(
      `SELECT t."sessionId", t.index, count(*) AS copies
         FROM "Trial" t JOIN "EvaluationSession" s ON s.id = t."sessionId"
        WHERE s."studyId" = $1
        GROUP BY t."sessionId", t.index HAVING count(*) > 1`,
      [studyId],
    );
    const answered = await client.query<AnsweredRow>(
      `SELECT t."sessionId", t.index, t.block, t.correct, t.flags
         FROM "Trial" t JOIN "EvaluationSession" s ON s.id = t."sessionId"
        WHERE s."studyId" = $1 AND t."answeredAt" IS NOT NULL
        ORDER BY t."sessionId", t.index`,
      [studyId],
    );
    const sessions = await client.query<SessionRow>(`SELECT id, plan, "staircaseState" FROM "EvaluationSession" WHERE "studyId" = $1`, [studyId]);

    const bySession = new Map<string, AnsweredRow[]>();
    for (const row of answered.rows) bySession.set(row.sessionId, [...(bySession.get(row.sessionId) ?? []), row]);
    const stored = new Set(answered.rows.map((row) => `${row.sessionId}#${row.index}`));
    const acked = new Set<string>();
    for (const [sessionId, indices] of acknowledged ?? []) for (const index of indices) acked.add(`${sessionId}#${index}`);

    const report: IntegrityReport = {
      ok: false,
      sessions: sessions.rows.length,
      storedAnswers: stored.size,
      acknowledged: acked.size,
      lost: [...acked].filter((key) => !stored.has(key)),
      unacknowledged: acknowledged ? [...stored].filter((key) => !acked.has(key)) : [],
      duplicates: duplicates.rows.map((row) => `${row.sessionId}#${row.index} ×${row.copies}`),
      staircaseMismatches: sessions.rows.flatMap((session) => staircaseMismatches(session, bySession.get(session.id) ?? [], params)),
    };
    report.ok = report.lost.length === 0 && report.unacknowledged.length === 0 && report.duplicates.length === 0 && report.staircaseMismatches.length === 0;
    return report;
  } finally {
    await client.end();
  }
}

export function formatIntegrity(report: IntegrityReport): string {
  const sample = (items: string[]) => (items.length ? ` (${items.slice(0, 5).join(", ")}${items.length > 5 ? ", …" : ""})` : "");
  return [
    `integrity: ${report.ok ? "OK" : "FAILED"} — ${report.sessions} sessions, ${report.storedAnswers} stored answers, ${report.acknowledged} acknowledged`,
    `  lost (acknowledged, not stored): ${report.lost.length}${sample(report.lost)}`,
    `  stored but never acknowledged:   ${report.unacknowledged.length}${sample(report.unacknowledged)}`,
    `  duplicate (session, index):      ${report.duplicates.length}${sample(report.duplicates)}`,
    `  staircase ≠ replay of answers:   ${report.staircaseMismatches.length}${sample(report.staircaseMismatches)}`,
  ].join("\n");
}
