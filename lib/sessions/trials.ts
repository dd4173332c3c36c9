import { ApiError, notFound } from "@/lib/api/errors";
import {
  addResponse,
  createStaircase,
  currentExposureFrames,
  currentExposureMs,
  framesForMs,
  parseStaircaseState,
  qualificationResult,
  type StaircaseState,
} from "@/lib/hype";
import { SessionStatus, sqlOf, type Db, type Sql } from "@/lib/db";
import { parsePlan, parsePlannedTrial, parsePlanSlice, type PlanSlice, type PlannedTrial } from "@/lib/sessions/plan";
import { needsRerun, planRerun, REPLACED_FLAG, rerunAllowed } from "@/lib/sessions/rerun";
import { maskToken, newStimulusToken, STIMULUS_TOKEN_TTL_MS } from "@/lib/sessions/tokens";
import * as store from "@/lib/sessions/trial-sql";
import { parseStudyConfig, staircaseParamsOf, type StudyConfig } from "@/lib/studies/config";
import type { AnswerInput } from "@/lib/validations/session";
import type { AnswerOutcome, TrialSpec } from "@/lib/sessions/contract";

export type { AnswerOutcome, TrialSpec };

const FINISHED: SessionStatus[] = [SessionStatus.COMPLETED, SessionStatus.DISQUALIFIED];

type Read = {
  session: store.SessionRow;
  plan: PlanSlice;
  config: StudyConfig;
  /** The stored staircase of the planned trial's block, checked (lib/hype replays its answers). */
  staircase: StaircaseState | undefined;
};

/** Checks what a request read: only the block in play is validated, the rest stays in the database. */
function checked(session: store.SessionRow | undefined, participantId: string): Read {
  if (!session || session.participantId !== participantId) throw notFound("Session");
  return {
    session,
    plan: parsePlanSlice(session),
    config: parseStudyConfig(session.config),
    staircase: session.staircase === null ? undefined : parseStaircaseState(session.staircase),
  };
}

/**
 * Each request is a read and a conditional write (lib/sessions/trial-sql.ts); when the write finds
 * that another request of the same session came first, the request starts again from a fresh read.
 * Only two tabs of one annotator can race, so a few attempts always settle it.
 */
const MAX_ATTEMPTS = 5;

async function untilWritten<T>(attempt: () => Promise<T | undefined>): Promise<T> {
  for (let tries = 0; tries < MAX_ATTEMPTS; tries++) {
    const result = await attempt();
    if (result !== undefined) return result;
  }
  throw new ApiError("CONFLICT", "This session is being changed by another request. Try again.");
}

/** Masks never change once a study has them (made at launch; lib/studies/design.ts). */
const studyMasks = new Map<string, { id: string }[]>();

async function masksOf(sql: Sql, studyId: string, count: number): Promise<{ id: string }[]> {
  const cached = studyMasks.get(studyId);
  if (cached && cached.length >= count) return cached.slice(0, count);
  const masks = await store.maskIdsOf(sql, studyId, count);
  if (masks.length === count) studyMasks.set(studyId, masks);
  return masks;
}

type IssuedTrial = { index: number; stimulusToken: string; requestedMs: number | null; requestedFrames: number | null };

async function specFor(sql: Sql, read: Read, planned: PlannedTrial, trial: IssuedTrial, secret: string, now: number): Promise<TrialSpec> {
  const { session, plan, config } = read;
  const block = plan.blocks[planned.block]!;
  const timed = planned.protocol === "hype_time";
  const masks = timed ? await masksOf(sql, session.studyId, config.masks.count) : [];
  const expiresAt = now + STIMULUS_TOKEN_TTL_MS;
  return {
    index: trial.index,
    block: planned.block,
    blockTrial: trial.index - block.start,
    blockSize: block.size,
    totalTrials: plan.total,
    protocol: planned.protocol,
    stimulusUrl: `/api/stimuli/${trial.stimulusToken}`,
    exposure: timed ? { ms: trial.requestedMs!, frames: trial.requestedFrames! } : null,
    countdown: { steps: 3, stepMs: config.countdownMs },
    masks: masks.map((mask) => ({
      url: `/api/stimuli/${maskToken(secret, mask.id, session.id, expiresAt)}`,
      frames: framesForMs(config.masks.durationMs, session.refreshHz!),
    })),
    keys: config.keys,
  };
}

function exposureFor(state: StaircaseState, refreshHz: number): { ms: number; frames: number } {
  const frames = currentExposureFrames(state, refreshHz);
  return { ms: currentExposureMs(state), frames };
}

export type NextTrialResult = { trial: TrialSpec } | { done: true; status: SessionStatus };

/**
 * The next trial of a session: the unanswered one again after a reload (same image and exposure,
 * a fresh URL if the old one expired), else the next planned one with the staircase's exposure.
 */
export async function nextTrial(db: Db, input: { sessionId: string; participantId: string; secret: string; now?: Date }): Promise<NextTrialResult> {
  const now = input.now ?? new Date();
  const sql = sqlOf(db);
  return untilWritten(async () => {
    const found = await store.readForNext(sql, input.sessionId, now);
    const read = checked(found?.session, input.participantId);
    const { session, plan, config } = read;
    if (FINISHED.includes(session.status)) return { done: true, status: session.status };

    const pending = found!.pending;
    if (pending) {
      if (!pending.tokenValid) {
        pending.stimulusToken = newStimulusToken();
        await store.renewToken(sql, pending.id, pending.stimulusToken, new Date(now.getTime() + STIMULUS_TOKEN_TTL_MS));
      }
      return { trial: await specFor(sql, read, parsePlannedTrial(found!.pendingPlanned), pending, input.secret, now.getTime()) };
    }

    const index = session.nextTrialIndex;
    const planned = plan.planned;
    if (!planned) return { done: true, status: session.status };

    let requested: { ms: number; frames: number } | null = null;
    let createdStaircase: StaircaseState | null = null;
    if (planned.protocol === "hype_time") {
      if (!session.refreshHz) throw new ApiError("CONFLICT", "Run the device check before the timed trials.");
      const staircase = read.staircase ?? (createdStaircase = createStaircase(staircaseParamsOf(config)));
      requested = exposureFor(staircase, session.refreshHz);
    }
    const trial = { index, stimulusToken: newStimulusToken(), requestedMs: requested?.ms ?? null, requestedFrames: requested?.frames ?? null };
    const issued = await store.issueTrial(
      sql,
      {
        sessionId: session.id,
        ...trial,
        block: planned.block,
        imageId: planned.imageId,
        label: planned.label === "real" ? "REAL" : "GENERATED",
        refreshHz: session.refreshHz,
        tokenExpiresAt: new Date(now.getTime() + STIMULUS_TOKEN_TTL_MS),
      },
      {
        status: session.status === SessionStatus.STARTED ? SessionStatus.IN_PROGRESS : session.status,
        // Issuing a trial moves no staircase: a block's is written here only when it begins.
        staircase: createdStaircase ? { block: planned.block, state: createdStaircase } : null,
        now,
      },
    );
    if (!issued) return undefined;
    return { trial: await specFor(sql, read, planned, trial, input.secret, now.getTime()) };
  });
}

function outcome(
  read: Read,
  planned: PlannedTrial,
  trial: { index: number; correct: boolean | null; flags: string[] },
  status: SessionStatus,
  total: number,
): AnswerOutcome {
  // No feedback on a replaced trial: its re-run, issued next, has the same label, so "correct"
  // here would tell the annotator the answer to the trial they are about to see.
  const feedback = read.session.feedback && planned.protocol !== "qualification" && !trial.flags.includes(REPLACED_FLAG);
  return {
    index: trial.index,
    stored: true,
    ...(feedback ? { correct: trial.correct ?? false } : {}),
    answered: trial.index + 1,
    total,
    status,
  };
}

/**
 * The qualification block's result on its last answer, `current`, which is stored in the same
 * statement as the result, so it is counted here in place of its unanswered row.
 */
async function qualificationOf(sql: Sql, read: Read, block: number, current: { index: number; label: string; correct: boolean }): Promise<store.QualificationRecord> {
  const { session } = read;
  const tally = { real: 0, realWrong: 0, generated: 0, generatedWrong: 0 };
  const stored = (await store.blockAnswers(sql, session.id, block)).filter((trial) => trial.index !== current.index);
  for (const trial of [...stored, current]) {
    if (trial.label === "REAL") {
      tally.real++;
      if (!trial.correct) tally.realWrong++;
    } else {
      tally.generated++;
      if (!trial.correct) tally.generatedWrong++;
    }
  }
  return {
    participantId: session.participantId,
    studyId: session.studyId,
    domain: session.qualificationDomain,
    realCorrect: tally.real - tally.realWrong,
    realTotal: tally.real,
    generatedCorrect: tally.generated - tally.generatedWrong,
    generatedTotal: tally.generated,
    passed: qualificationResult(session.participantId, tally).passed,
  };
}

/**
 * A re-run of a flagged timed trial, when its block still allows one (rare: the whole plan is read
 * only here). Returns the new plan, or null when the trial counts as it is.
 */
async function rerunPlanFor(sql: Sql, read: Read, planned: PlannedTrial, index: number) {
  const { session, plan } = read;
  if (!rerunAllowed(plan.blocks[planned.block]!, await store.countReruns(sql, session.id, planned.block, REPLACED_FLAG))) return null;
  const sourceSetId = planned.label === "generated" ? await store.generatedSetOf(sql, session.armId!) : session.realImageSetId!;
  return planRerun({ plan: parsePlan(await store.wholePlan(sql, session.id)), index, seed: session.seed, pool: await store.imageIdsOf(sql, sourceSetId) });
}

/**
 * Stores one answer, once. Correctness and the staircase step are computed here and written in
 * the same statement as the answer; a retry of a stored answer returns the stored outcome.
 */
export async function submitAnswer(db: Db, input: { sessionId: string; participantId: string; answer: AnswerInput; now?: Date }): Promise<AnswerOutcome> {
  const now = input.now ?? new Date();
  const answer = input.answer;
  const sql = sqlOf(db);
  return untilWritten(async () => {
    const found = await store.readForAnswer(sql, input.sessionId, answer.index, now);
    const read = checked(found?.session, input.participantId);
    const { session } = read;
    const trial = found!.trial;
    const planned = read.plan.planned;
    if (!trial || !planned) throw new ApiError("CONFLICT", `Trial ${answer.index} was not issued to this session.`);
    const given = answer.answer === "real" ? "REAL" : "GENERATED";
    if (trial.answered) {
      if (trial.answer === given && trial.presentedFrames === answer.presentedFrames) return outcome(read, planned, trial, session.status, read.plan.total);
      throw new ApiError("CONFLICT", `Trial ${answer.index} is already answered.`);
    }
    if (answer.requestedFrames !== trial.requestedFrames) {
      throw new ApiError("UNPROCESSABLE", `The exposure reported for trial ${answer.index} is not the one the server issued.`);
    }
    const correct = given === trial.label;
    const flags = new Set<string>(answer.flags);
    if (trial.requestedFrames !== null && answer.presentedFrames !== trial.requestedFrames) flags.add("frame_miss");
    const rerunPlan =
      planned.protocol === "hype_time" && read.config.rerunFlagged && needsRerun([...flags]) ? await rerunPlanFor(sql, read, planned, trial.index) : null;
    if (rerunPlan) flags.add(REPLACED_FLAG);
    const blocks = rerunPlan?.blocks ?? read.plan.blocks;
    const total = rerunPlan?.trials.length ?? read.plan.total;

    // A replaced trial does not move the staircase: its re-run will, at the same exposure.
    const movesStaircase = planned.protocol === "hype_time" && !rerunPlan;
    const block = blocks[planned.block]!;
    let status = session.status;
    let qualification: store.QualificationRecord | null = null;
    if (trial.index === block.start + block.size - 1 && planned.protocol === "qualification") {
      qualification = await qualificationOf(sql, read, planned.block, { index: trial.index, label: trial.label, correct });
      status = qualification.passed ? SessionStatus.IN_PROGRESS : SessionStatus.DISQUALIFIED;
    }
    if (status !== SessionStatus.DISQUALIFIED && trial.index === total - 1) status = SessionStatus.COMPLETED;
    const storedFlags = [...flags];
    const stored = await store.storeAnswer(
      sql,
      {
        trialId: trial.id,
        answer: given,
        correct,
        presentedFrames: answer.presentedFrames,
        measuredMs: answer.measuredMs,
        refreshHz: answer.refreshHz,
        flags: storedFlags,
        clientTimes: answer.clientTimes,
      },
      {
        id: session.id,
        status,
        completed: FINISHED.includes(status),
        staircase: movesStaircase ? { block: planned.block, state: addResponse(read.staircase!, correct) } : null,
        plan: rerunPlan,
        qualification,
        now,
      },
    );
    if (!stored) return undefined;
    return outcome(read, planned, { index: trial.index, correct, flags: storedFlags }, status, total);
  });
}
