import { sqlTimestamp, type Sql } from "@/lib/db";
import type { SessionStatus } from "@/lib/db";

/**
 * The trial loop's statements, in plain SQL (lib/db/sql.ts says why). Column names are Prisma's
 * (prisma/schema.prisma); ids of new rows come from gen_random_uuid(), as Prisma's cuid() is made
 * client-side; `updatedAt` is set here because Prisma's @updatedAt is too.
 */

/** The session row a request locks, with its study's design and the slices of its plan in play. */
export type LockedSessionRow = {
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
  /** The planned trial at the index in play (see `lockSession`). */
  planned: unknown;
  /** The stored staircase of that trial's block, if any. */
  staircase: unknown;
};

/**
 * Locks the session row (two tabs of one annotator queue here instead of double-advancing the
 * staircase) and reads, in the same statement, what the request needs: the planned trial at
 * `index` (null: the session's next index) and only its block's staircase.
 *
 * Trial rows are read by a later statement, never joined here: under READ COMMITTED a statement
 * that waited for the lock sees the locked row's newest version but joined rows as of its start.
 */
export async function lockSession(tx: Sql, sessionId: string, index: number | null): Promise<LockedSessionRow | undefined> {
  const [row] = await tx.query<LockedSessionRow>(
    `WITH locked AS (
       SELECT s.*, COALESCE($2::int, s."nextTrialIndex") AS at FROM "EvaluationSession" s WHERE s.id = $1 FOR UPDATE
     )
     SELECT s.id, s."studyId", s."participantId", s."armId", s.seed, s.status::text AS status, s."nextTrialIndex", s."refreshHz",
            st.config, st.feedback, st."realImageSetId", st."qualificationDomain",
            s.plan->'blocks' AS blocks, jsonb_array_length(s.plan->'trials') AS total,
            s.plan->'trials'->s.at AS planned,
            s."staircaseState"->(s.plan->'trials'->s.at->>'block') AS staircase
       FROM locked s JOIN "Study" st ON st.id = s."studyId"`,
    [sessionId, index],
  );
  return row;
}

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

export async function readTrial(tx: Sql, sessionId: string, index: number, now: Date): Promise<TrialRow | undefined> {
  const [row] = await tx.query<TrialRow>(
    `SELECT id, index, label::text AS label, answer::text AS answer, correct, "presentedFrames", "requestedMs", "requestedFrames", flags,
            "stimulusToken", "answeredAt" IS NOT NULL AS answered, "tokenExpiresAt" > $3::timestamp AS "tokenValid"
       FROM "Trial" WHERE "sessionId" = $1 AND index = $2`,
    [sessionId, index, sqlTimestamp(now)],
  );
  return row;
}

export async function renewToken(tx: Sql, trialId: string, token: string, expiresAt: Date): Promise<void> {
  await tx.query(`UPDATE "Trial" SET "stimulusToken" = $2, "tokenExpiresAt" = $3::timestamp WHERE id = $1`, [trialId, token, sqlTimestamp(expiresAt)]);
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

/** Inserts the trial and moves the session's next index, in one statement. */
export async function issueTrial(
  tx: Sql,
  trial: NewTrial,
  session: { status: SessionStatus; staircase: { block: number; state: unknown } | null; now: Date },
): Promise<void> {
  await tx.query(
    `WITH issued AS (
       INSERT INTO "Trial" (id, "sessionId", index, block, "imageId", label, "requestedMs", "requestedFrames", "refreshHz", flags,
                            "stimulusToken", "tokenExpiresAt", "issuedAt")
       VALUES (gen_random_uuid()::text, $1, $2::int, $3::int, $4, $5::"ImageLabel", $6::float8, $7::int, $8::float8, '{}',
               $9, $10::timestamp, $11::timestamp)
       RETURNING index
     )
     UPDATE "EvaluationSession"
        SET "nextTrialIndex" = (SELECT index + 1 FROM issued), status = $12::"SessionStatus", "updatedAt" = $11::timestamp,
            ${setStaircase(13, 14)}
      WHERE id = $1`,
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

/** Stores the answer on its trial and the session's new state, in one statement. */
export async function storeAnswer(
  tx: Sql,
  answer: StoredAnswer,
  session: {
    id: string;
    status: SessionStatus;
    completed: boolean;
    staircase: { block: number; state: unknown } | null;
    /** A new plan (a re-run was inserted), or null to keep it. */
    plan: unknown;
    now: Date;
  },
): Promise<void> {
  await tx.query(
    `WITH answered AS (
       UPDATE "Trial"
          SET answer = $2::"ImageLabel", correct = $3, "presentedFrames" = $4::int, "measuredMs" = $5::float8, "refreshHz" = $6::float8,
              flags = $7::text[], "clientTimes" = $8::jsonb, "answeredAt" = $9::timestamp
        WHERE id = $1
     )
     UPDATE "EvaluationSession"
        SET status = $11::"SessionStatus", "updatedAt" = $9::timestamp,
            "completedAt" = CASE WHEN $12::boolean THEN $9::timestamp ELSE "completedAt" END,
            plan = COALESCE($15::jsonb, plan),
            ${setStaircase(13, 14)}
      WHERE id = $10`,
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
    ],
  );
}

export async function countReruns(tx: Sql, sessionId: string, block: number, flag: string): Promise<number> {
  const [row] = await tx.query<{ count: number }>(`SELECT count(*)::int AS count FROM "Trial" WHERE "sessionId" = $1 AND block = $2 AND $3 = ANY(flags)`, [
    sessionId,
    block,
    flag,
  ]);
  return row!.count;
}

export async function wholePlan(tx: Sql, sessionId: string): Promise<unknown> {
  const [row] = await tx.query<{ plan: unknown }>(`SELECT plan FROM "EvaluationSession" WHERE id = $1`, [sessionId]);
  return row!.plan;
}

export async function generatedSetOf(tx: Sql, armId: string): Promise<string> {
  const [row] = await tx.query<{ generatedSetId: string }>(`SELECT "generatedSetId" FROM "Arm" WHERE id = $1`, [armId]);
  return row!.generatedSetId;
}

/** A set's image ids in id order (the order the session plans were drawn in). */
export async function imageIdsOf(tx: Sql, imageSetId: string): Promise<string[]> {
  return (await tx.query<{ id: string }>(`SELECT id FROM "Image" WHERE "imageSetId" = $1 ORDER BY id`, [imageSetId])).map((row) => row.id);
}

export async function blockAnswers(tx: Sql, sessionId: string, block: number): Promise<{ index: number; label: "REAL" | "GENERATED"; correct: boolean | null }[]> {
  return tx.query(`SELECT index, label::text AS label, correct FROM "Trial" WHERE "sessionId" = $1 AND block = $2`, [sessionId, block]);
}

export async function recordQualification(
  tx: Sql,
  result: {
    participantId: string;
    studyId: string;
    domain: string | null;
    realCorrect: number;
    realTotal: number;
    generatedCorrect: number;
    generatedTotal: number;
    passed: boolean;
    createdAt: Date;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO "QualificationResult" (id, "participantId", "studyId", domain, "realCorrect", "realTotal", "generatedCorrect", "generatedTotal", passed, "createdAt")
     VALUES (gen_random_uuid()::text, $1, $2, $3, $4::int, $5::int, $6::int, $7::int, $8, $9::timestamp)`,
    [
      result.participantId,
      result.studyId,
      result.domain,
      result.realCorrect,
      result.realTotal,
      result.generatedCorrect,
      result.generatedTotal,
      result.passed,
      sqlTimestamp(result.createdAt),
    ],
  );
}

export async function maskIdsOf(tx: Sql, studyId: string, count: number): Promise<{ id: string }[]> {
  return tx.query(`SELECT id FROM "MaskImage" WHERE "studyId" = $1 ORDER BY position LIMIT $2::int`, [studyId, count]);
}
