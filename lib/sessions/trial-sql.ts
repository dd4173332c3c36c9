import { sqlTimestamp, type Sql } from "@/lib/db";
import type { SessionStatus } from "@/lib/db";

/**
 * The trial loop's statements, in plain SQL (lib/db/sql.ts says why). Column names are Prisma's
 * (prisma/schema.prisma); ids of new rows come from gen_random_uuid(), as Prisma's cuid() is made
 * client-side; `updatedAt` is set here because Prisma's @updatedAt is too.
 */

/** The session as a request reads it, with its study's design and the slices of its plan in play. */
export type SessionRow = {
  id: string;
  studyId: string;
  participantId: string;
  armId: string | null;
  seed: number;
  status: SessionStatus;
  nextTrialIndex: number;
  refreshHz: number | null;
  config: unknown;
  feedback: boolean;
  realImageSetId: string | null;
  qualificationDomain: string | null;
  blocks: unknown;
  total: unknown;
  /** The planned trial in play: the next one to issue, or the one answered. */
  planned: unknown;
  /** The stored staircase of that trial's block, if any. */
  staircase: unknown;
};

export type TrialRow = {
  id: string;
  index: number;
  label: "REAL" | "GENERATED";
  answer: "REAL" | "GENERATED" | null;
  correct: boolean | null;
  presentedFrames: number | null;
  requestedMs: number | null;
  requestedFrames: number | null;
  flags: string[];
  stimulusToken: string;
  answered: boolean;
  tokenValid: boolean;
};

/**
 * No statement here takes a lock or opens a transaction: each request is one read and one
 * conditional write, and the write's condition (the session's next index, or the trial still
 * unanswered) is the check that nothing changed in between. The loser of a race (two tabs of one
 * annotator) writes nothing and reads again. A read is one statement, hence one snapshot.
 */
const SESSION_COLUMNS = `s.id, s."studyId", s."participantId", s."armId", s.seed, s.status::text AS status, s."nextTrialIndex", s."refreshHz",
  st.config, st.feedback, st."realImageSetId", st."qualificationDomain",
  s.plan->'blocks' AS blocks, jsonb_array_length(s.plan->'trials') AS total`;

/** The joined trial `t`'s columns, each named with `prefix` (its row shares the session's). */
function trialColumns(prefix: string): string {
  return `t.id AS "${prefix}id", t.index AS "${prefix}index", t.label::text AS "${prefix}label", t.answer::text AS "${prefix}answer",
          t.correct AS "${prefix}correct", t."presentedFrames" AS "${prefix}presentedFrames", t."requestedMs" AS "${prefix}requestedMs",
          t."requestedFrames" AS "${prefix}requestedFrames", t.flags AS "${prefix}flags", t."stimulusToken" AS "${prefix}stimulusToken",
          t."answeredAt" IS NOT NULL AS "${prefix}answered", t."tokenExpiresAt" > $2::timestamp AS "${prefix}tokenValid"`;
}

const TRIAL_KEYS = ["id", "index", "label", "answer", "correct", "presentedFrames", "requestedMs", "requestedFrames", "flags", "stimulusToken", "answered", "tokenValid"] as const;

/** The joined trial's columns (prefixed, all null when no trial matched) as a TrialRow. */
function trialFrom(row: Record<string, unknown>, prefix: string): TrialRow | null {
  if (row[`${prefix}id`] === null) return null;
  return Object.fromEntries(TRIAL_KEYS.map((key) => [key, row[`${prefix}${key}`]])) as TrialRow;
}

/**
 * For issuing: the session sliced at its next index, and the trial before it if it is still
 * unanswered (a reload comes back to it), sliced too.
 */
export async function readForNext(sql: Sql, sessionId: string, now: Date): Promise<{ session: SessionRow; pending: TrialRow | null; pendingPlanned: unknown } | null> {
  const [row] = await sql.query<SessionRow & Record<string, unknown>>(
    `SELECT ${SESSION_COLUMNS},
            s.plan->'trials'->s."nextTrialIndex" AS planned,
            s."staircaseState"->(s.plan->'trials'->s."nextTrialIndex"->>'block') AS staircase,
            s.plan->'trials'->(s."nextTrialIndex" - 1) AS "pendingPlanned",
            ${trialColumns("pending_")}
       FROM "EvaluationSession" s JOIN "Study" st ON st.id = s."studyId"
       LEFT JOIN "Trial" t ON t."sessionId" = s.id AND t.index = s."nextTrialIndex" - 1 AND t."answeredAt" IS NULL
      WHERE s.id = $1`,
    [sessionId, sqlTimestamp(now)],
  );
  if (!row) return null;
  return { session: row, pending: trialFrom(row, "pending_"), pendingPlanned: row.pendingPlanned };
}

/** For answering trial `index`: the session sliced at it, and the trial. */
export async function readForAnswer(sql: Sql, sessionId: string, index: number, now: Date): Promise<{ session: SessionRow; trial: TrialRow | null } | null> {
  const [row] = await sql.query<SessionRow & Record<string, unknown>>(
    `SELECT ${SESSION_COLUMNS},
            s.plan->'trials'->$3::int AS planned,
            s."staircaseState"->(s.plan->'trials'->$3::int->>'block') AS staircase,
            ${trialColumns("trial_")}
       FROM "EvaluationSession" s JOIN "Study" st ON st.id = s."studyId"
       LEFT JOIN "Trial" t ON t."sessionId" = s.id AND t.index = $3::int
      WHERE s.id = $1`,
    [sessionId, sqlTimestamp(now), index],
  );
  if (!row) return null;
  return { session: row, trial: trialFrom(row, "trial_") };
}

export async function renewToken(sql: Sql, trialId: string, token: string, expiresAt: Date): Promise<void> {
  await sql.query(`UPDATE "Trial" SET "stimulusToken" = $2, "tokenExpiresAt" = $3::timestamp WHERE id = $1`, [trialId, token, sqlTimestamp(expiresAt)]);
}

/** One block's staircase written under its key, or the column left alone when `staircase` is null. */
const SET_STAIRCASE = `"staircaseState" = CASE WHEN $STAIR_KEY::text IS NULL THEN "staircaseState"
  ELSE jsonb_set(COALESCE("staircaseState", '{}'::jsonb), ARRAY[$STAIR_KEY::text], $STAIR_VALUE::jsonb) END`;

function setStaircase(keyParam: number, valueParam: number): string {
  return SET_STAIRCASE.replaceAll("$STAIR_KEY", `$${keyParam}`).replaceAll("$STAIR_VALUE", `$${valueParam}`);
}

export type NewTrial = {
  sessionId: string;
  index: number;
  block: number;
  imageId: string;
  label: "REAL" | "GENERATED";
  requestedMs: number | null;
  requestedFrames: number | null;
  refreshHz: number | null;
  stimulusToken: string;
  tokenExpiresAt: Date;
};

/**
 * Moves the session's next index past `trial.index` and inserts the trial, in one statement, if
 * the index is still the one read. Returns false when another request issued it first.
 */
export async function issueTrial(
  sql: Sql,
  trial: NewTrial,
  session: { status: SessionStatus; staircase: { block: number; state: unknown } | null; now: Date },
): Promise<boolean> {
  const rows = await sql.query(
    `WITH moved AS (
       UPDATE "EvaluationSession"
          SET "nextTrialIndex" = $2::int + 1, status = $12::"SessionStatus", "updatedAt" = $11::timestamp,
              ${setStaircase(13, 14)}
        WHERE id = $1 AND "nextTrialIndex" = $2::int
        RETURNING id
     )
     INSERT INTO "Trial" (id, "sessionId", index, block, "imageId", label, "requestedMs", "requestedFrames", "refreshHz", flags,
                          "stimulusToken", "tokenExpiresAt", "issuedAt")
     SELECT gen_random_uuid()::text, moved.id, $2::int, $3::int, $4, $5::"ImageLabel", $6::float8, $7::int, $8::float8, '{}',
            $9, $10::timestamp, $11::timestamp
       FROM moved
     RETURNING index`,
    [
      trial.sessionId,
      trial.index,
      trial.block,
      trial.imageId,
      trial.label,
      trial.requestedMs,
      trial.requestedFrames,
      trial.refreshHz,
      trial.stimulusToken,
      sqlTimestamp(trial.tokenExpiresAt),
      sqlTimestamp(session.now),
      session.status,
      session.staircase === null ? null : String(session.staircase.block),
      session.staircase === null ? null : JSON.stringify(session.staircase.state),
    ],
  );
  return rows.length === 1;
}

export type StoredAnswer = {
  trialId: string;
  answer: "REAL" | "GENERATED";
  correct: boolean;
  presentedFrames: number | null;
  measuredMs: number | null;
  refreshHz: number;
  flags: string[];
  clientTimes: unknown;
};

export type QualificationRecord = {
  participantId: string;
  studyId: string;
  domain: string | null;
  realCorrect: number;
  realTotal: number;
  generatedCorrect: number;
  generatedTotal: number;
  passed: boolean;
};

/**
 * Stores the answer on its trial, the session's new state and, at the end of a qualification
 * block, its result, in one statement, if the trial is still unanswered. Returns false when
 * another request answered it first (nothing is written then).
 */
export async function storeAnswer(
  sql: Sql,
  answer: StoredAnswer,
  session: {
    id: string;
    status: SessionStatus;
    completed: boolean;
    staircase: { block: number; state: unknown } | null;
    /** A new plan (a re-run was inserted), or null to keep it. */
    plan: unknown;
    qualification: QualificationRecord | null;
    now: Date;
  },
): Promise<boolean> {
  const q = session.qualification;
  const rows = await sql.query(
    `WITH answered AS (
       UPDATE "Trial"
          SET answer = $2::"ImageLabel", correct = $3, "presentedFrames" = $4::int, "measuredMs" = $5::float8, "refreshHz" = $6::float8,
              flags = $7::text[], "clientTimes" = $8::jsonb, "answeredAt" = $9::timestamp
        WHERE id = $1 AND "answeredAt" IS NULL
        RETURNING id
     ), moved AS (
       UPDATE "EvaluationSession"
          SET status = $11::"SessionStatus", "updatedAt" = $9::timestamp,
              "completedAt" = CASE WHEN $12::boolean THEN $9::timestamp ELSE "completedAt" END,
              plan = COALESCE($15::jsonb, plan),
              ${setStaircase(13, 14)}
        WHERE id = $10 AND EXISTS (SELECT 1 FROM answered)
        RETURNING id, "participantId", "studyId"
     ), qualified AS (
       INSERT INTO "QualificationResult" (id, "participantId", "studyId", domain, "realCorrect", "realTotal", "generatedCorrect", "generatedTotal", passed, "createdAt")
       SELECT gen_random_uuid()::text, moved."participantId", moved."studyId", $17, $18::int, $19::int, $20::int, $21::int, $22::boolean, $9::timestamp
         FROM moved WHERE $16::boolean
     )
     SELECT id FROM answered`,
    [
      answer.trialId,
      answer.answer,
      answer.correct,
      answer.presentedFrames,
      answer.measuredMs,
      answer.refreshHz,
      answer.flags,
      JSON.stringify(answer.clientTimes),
      sqlTimestamp(session.now),
      session.id,
      session.status,
      session.completed,
      session.staircase === null ? null : String(session.staircase.block),
      session.staircase === null ? null : JSON.stringify(session.staircase.state),
      session.plan === null ? null : JSON.stringify(session.plan),
      q !== null,
      q?.domain ?? null,
      q?.realCorrect ?? null,
      q?.realTotal ?? null,
      q?.generatedCorrect ?? null,
      q?.generatedTotal ?? null,
      q?.passed ?? null,
    ],
  );
  return rows.length === 1;
}

export async function countReruns(sql: Sql, sessionId: string, block: number, flag: string): Promise<number> {
  const [row] = await sql.query<{ count: number }>(`SELECT count(*)::int AS count FROM "Trial" WHERE "sessionId" = $1 AND block = $2 AND $3 = ANY(flags)`, [
    sessionId,
    block,
    flag,
  ]);
  return row!.count;
}

export async function wholePlan(sql: Sql, sessionId: string): Promise<unknown> {
  const [row] = await sql.query<{ plan: unknown }>(`SELECT plan FROM "EvaluationSession" WHERE id = $1`, [sessionId]);
  return row!.plan;
}

export async function generatedSetOf(sql: Sql, armId: string): Promise<string> {
  const [row] = await sql.query<{ generatedSetId: string }>(`SELECT "generatedSetId" FROM "Arm" WHERE id = $1`, [armId]);
  return row!.generatedSetId;
}

/** A set's image ids in id order (the order the session plans were drawn in). */
export async function imageIdsOf(sql: Sql, imageSetId: string): Promise<string[]> {
  return (await sql.query<{ id: string }>(`SELECT id FROM "Image" WHERE "imageSetId" = $1 ORDER BY id`, [imageSetId])).map((row) => row.id);
}

export async function blockAnswers(sql: Sql, sessionId: string, block: number): Promise<{ index: number; label: "REAL" | "GENERATED"; correct: boolean | null }[]> {
  return sql.query(`SELECT index, label::text AS label, correct FROM "Trial" WHERE "sessionId" = $1 AND block = $2`, [sessionId, block]);
}

export async function maskIdsOf(sql: Sql, studyId: string, count: number): Promise<{ id: string }[]> {
  return sql.query(`SELECT id FROM "MaskImage" WHERE "studyId" = $1 ORDER BY position LIMIT $2::int`, [studyId, count]);
}
