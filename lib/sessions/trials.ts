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
import { parsePlan, parsePlanSlice, type PlanSlice, type PlannedTrial } from "@/lib/sessions/plan";
import { needsRerun, planRerun, REPLACED_FLAG, rerunAllowed } from "@/lib/sessions/rerun";
import { maskToken, newStimulusToken, STIMULUS_TOKEN_TTL_MS } from "@/lib/sessions/tokens";
import * as store from "@/lib/sessions/trial-sql";
import { parseStudyConfig, staircaseParamsOf, type StudyConfig } from "@/lib/studies/config";
import type { AnswerInput } from "@/lib/validations/session";
import type { AnswerOutcome, TrialSpec } from "@/lib/sessions/contract";

export type { AnswerOutcome, TrialSpec };

const FINISHED: SessionStatus[] = [SessionStatus.COMPLETED, SessionStatus.DISQUALIFIED];

type Locked = {
  session: store.LockedSessionRow;
  plan: PlanSlice;
  config: StudyConfig;
  /** The stored staircase of the planned trial's block, checked (lib/hype replays its answers). */
  staircase: StaircaseState | undefined;
};

/**
 * Locks and reads the session for the trial at `index` (null: the next one to issue). Only the
 * block in play is validated; the plan and the other blocks' staircases stay in the database.
 */
async function lockSession(tx: Sql, sessionId: string, participantId: string, index: number | null): Promise<Locked> {
  const row = await store.lockSession(tx, sessionId, index);
  if (!row || row.participantId !== participantId) throw notFound("Session");
  return {
    session: row,
    plan: parsePlanSlice(row),
    config: parseStudyConfig(row.config),
    staircase: row.staircase === null ? undefined : parseStaircaseState(row.staircase),
  };
}

/** Masks never change once a study has them (made at its first start, under the study lock). */
const studyMasks = new Map<string, { id: string }[]>();

async function masksOf(tx: Sql, studyId: string, count: number): Promise<{ id: string }[]> {
  const cached = studyMasks.get(studyId);
  if (cached && cached.length >= count) return cached.slice(0, count);
  const masks = await store.maskIdsOf(tx, studyId, count);
  if (masks.length === count) studyMasks.set(studyId, masks);
  return masks;
}

type IssuedTrial = { index: number; stimulusToken: string; requestedMs: number | null; requestedFrames: number | null };

async function specFor(tx: Sql, locked: Locked, planned: PlannedTrial, trial: IssuedTrial, secret: string, now: number): Promise<TrialSpec> {
  const { session, plan, config } = locked;
  const block = plan.blocks[planned.block]!;
  const timed = planned.protocol === "hype_time";
  const masks = timed ? await masksOf(tx, session.studyId, config.masks.count) : [];
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

/** The unanswered trial a reload comes back to (same image and exposure), if there is one. */
async function pendingTrial(tx: Sql, locked: Locked, secret: string, now: Date): Promise<NextTrialResult | null> {
  const { session } = locked;
  if (session.nextTrialIndex === 0) return null;
  const last = await store.readTrial(tx, session.id, session.nextTrialIndex - 1, now);
  if (!last || last.answered) return null;
  // The planned trial in the lock's slice is the next index's: read the pending one's instead.
  const previous = await lockedSlice(tx, locked, last.index);
  if (!last.tokenValid) {
    last.stimulusToken = newStimulusToken();
    await store.renewToken(tx, last.id, last.stimulusToken, new Date(now.getTime() + STIMULUS_TOKEN_TTL_MS));
  }
  return { trial: await specFor(tx, previous, previous.plan.planned!, last, secret, now.getTime()) };
}

/** The same locked session, sliced at another index (the row lock is already held). */
async function lockedSlice(tx: Sql, locked: Locked, index: number): Promise<Locked> {
  return lockSession(tx, locked.session.id, locked.session.participantId, index);
}

/**
 * The next trial of a session: the unanswered one again after a reload (same image and exposure,
 * a fresh URL if the old one expired), else the next planned one with the staircase's exposure.
 */
export async function nextTrial(db: Db, input: { sessionId: string; participantId: string; secret: string; now?: Date }): Promise<NextTrialResult> {
  const now = input.now ?? new Date();
  return sqlOf(db).transaction(async (tx) => {
    const locked = await lockSession(tx, input.sessionId, input.participantId, null);
    const { session, plan, config } = locked;
    if (FINISHED.includes(session.status)) return { done: true, status: session.status };
    const pending = await pendingTrial(tx, locked, input.secret, now);
    if (pending) return pending;

    const index = session.nextTrialIndex;
    const planned = plan.planned;
    if (!planned) return { done: true, status: session.status };

    let requested: { ms: number; frames: number } | null = null;
    let createdStaircase: StaircaseState | null = null;
    if (planned.protocol === "hype_time") {
      if (!session.refreshHz) throw new ApiError("CONFLICT", "Run the device check before the timed trials.");
      const staircase = locked.staircase ?? (createdStaircase = createStaircase(staircaseParamsOf(config)));
      requested = exposureFor(staircase, session.refreshHz);
    }
    const trial = { index, stimulusToken: newStimulusToken(), requestedMs: requested?.ms ?? null, requestedFrames: requested?.frames ?? null };
    await store.issueTrial(
      tx,
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
    return { trial: await specFor(tx, locked, planned, trial, input.secret, now.getTime()) };
  });
}

function outcome(
  locked: Locked,
  planned: PlannedTrial,
  trial: { index: number; correct: boolean | null; flags: string[] },
  status: SessionStatus,
  total: number,
): AnswerOutcome {
  // No feedback on a replaced trial: its re-run, issued next, has the same label, so "correct"
  // here would tell the annotator the answer to the trial they are about to see.
  const feedback = locked.session.feedback && planned.protocol !== "qualification" && !trial.flags.includes(REPLACED_FLAG);
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
 * Settles the qualification block on its last answer, `current`, which is stored in the same
 * statement as the session's new status, so it is counted here in place of its unanswered row.
 */
async function settleQualification(tx: Sql, locked: Locked, block: number, current: { index: number; label: string; correct: boolean }, now: Date): Promise<boolean> {
  const { session } = locked;
  const tally = { real: 0, realWrong: 0, generated: 0, generatedWrong: 0 };
  const stored = (await store.blockAnswers(tx, session.id, block)).filter((trial) => trial.index !== current.index);
  for (const trial of [...stored, current]) {
    if (trial.label === "REAL") {
      tally.real++;
      if (!trial.correct) tally.realWrong++;
    } else {
      tally.generated++;
      if (!trial.correct) tally.generatedWrong++;
    }
  }
  const result = qualificationResult(session.participantId, tally);
  await store.recordQualification(tx, {
    participantId: session.participantId,
    studyId: session.studyId,
    domain: session.qualificationDomain,
    realCorrect: tally.real - tally.realWrong,
    realTotal: tally.real,
    generatedCorrect: tally.generated - tally.generatedWrong,
    generatedTotal: tally.generated,
    passed: result.passed,
    createdAt: now,
  });
  return result.passed;
}

/**
 * A re-run of a flagged timed trial, when its block still allows one (rare: the whole plan is read
 * only here). Returns the new plan, or null when the trial counts as it is.
 */
async function rerunPlanFor(tx: Sql, locked: Locked, planned: PlannedTrial, index: number) {
  const { session, plan } = locked;
  if (!rerunAllowed(plan.blocks[planned.block]!, await store.countReruns(tx, session.id, planned.block, REPLACED_FLAG))) return null;
  const sourceSetId = planned.label === "generated" ? await store.generatedSetOf(tx, session.armId!) : session.realImageSetId!;
  return planRerun({ plan: parsePlan(await store.wholePlan(tx, session.id)), index, seed: session.seed, pool: await store.imageIdsOf(tx, sourceSetId) });
}

/**
 * Stores one answer, once. Correctness and the staircase step are computed here, in the same
 * transaction as the write; a retry of a stored answer returns the stored outcome.
 */
export async function submitAnswer(db: Db, input: { sessionId: string; participantId: string; answer: AnswerInput; now?: Date }): Promise<AnswerOutcome> {
  const now = input.now ?? new Date();
  const answer = input.answer;
  return sqlOf(db).transaction(async (tx) => {
    const locked = await lockSession(tx, input.sessionId, input.participantId, answer.index);
    const { session } = locked;
    const trial = await store.readTrial(tx, session.id, answer.index, now);
    const planned = locked.plan.planned;
    if (!trial || !planned) throw new ApiError("CONFLICT", `Trial ${answer.index} was not issued to this session.`);
    const given = answer.answer === "real" ? "REAL" : "GENERATED";
    if (trial.answered) {
      if (trial.answer === given && trial.presentedFrames === answer.presentedFrames) return outcome(locked, planned, trial, session.status, locked.plan.total);
      throw new ApiError("CONFLICT", `Trial ${answer.index} is already answered.`);
    }
    if (answer.requestedFrames !== trial.requestedFrames) {
      throw new ApiError("UNPROCESSABLE", `The exposure reported for trial ${answer.index} is not the one the server issued.`);
    }
    const correct = given === trial.label;
    const flags = new Set<string>(answer.flags);
    if (trial.requestedFrames !== null && answer.presentedFrames !== trial.requestedFrames) flags.add("frame_miss");
    const rerunPlan =
      planned.protocol === "hype_time" && locked.config.rerunFlagged && needsRerun([...flags]) ? await rerunPlanFor(tx, locked, planned, trial.index) : null;
    if (rerunPlan) flags.add(REPLACED_FLAG);
    const blocks = rerunPlan?.blocks ?? locked.plan.blocks;
    const total = rerunPlan?.trials.length ?? locked.plan.total;

    // A replaced trial does not move the staircase: its re-run will, at the same exposure.
    const movesStaircase = planned.protocol === "hype_time" && !rerunPlan;
    const block = blocks[planned.block]!;
    let status = session.status;
    if (trial.index === block.start + block.size - 1 && planned.protocol === "qualification") {
      const passed = await settleQualification(tx, locked, planned.block, { index: trial.index, label: trial.label, correct }, now);
      status = passed ? SessionStatus.IN_PROGRESS : SessionStatus.DISQUALIFIED;
    }
    if (status !== SessionStatus.DISQUALIFIED && trial.index === total - 1) status = SessionStatus.COMPLETED;
    const storedFlags = [...flags];
    await store.storeAnswer(
      tx,
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
        staircase: movesStaircase ? { block: planned.block, state: addResponse(locked.staircase!, correct) } : null,
        plan: rerunPlan,
        now,
      },
    );
    return outcome(locked, planned, { index: trial.index, correct, flags: storedFlags }, status, total);
  });
}
