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
import { ImageLabel, SessionStatus, type Db, type Prisma } from "@/lib/db";
import { parsePlan, type SessionPlan } from "@/lib/sessions/plan";
import { needsRerun, planRerun, REPLACED_FLAG, rerunAllowed } from "@/lib/sessions/rerun";
import { maskToken, newStimulusToken, STIMULUS_TOKEN_TTL_MS } from "@/lib/sessions/tokens";
import { parseStudyConfig, staircaseParamsOf } from "@/lib/studies/config";
import type { AnswerInput } from "@/lib/validations/session";
import type { AnswerOutcome, TrialSpec } from "@/lib/sessions/contract";

export type { AnswerOutcome, TrialSpec };

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const FINISHED: SessionStatus[] = [SessionStatus.COMPLETED, SessionStatus.DISQUALIFIED];

/** The session row as the trial loop needs it, with its study's design. */
type LockedSessionRow = {
  id: string;
  studyId: string;
  participantId: string;
  armId: string | null;
  seed: number;
  status: SessionStatus;
  nextTrialIndex: number;
  refreshHz: number | null;
  plan: Prisma.JsonValue;
  staircaseState: Prisma.JsonValue | null;
  config: Prisma.JsonValue;
  feedback: boolean;
};

async function lockSession(tx: Tx, sessionId: string, participantId: string) {
  // A row lock: two tabs of one annotator queue here instead of double-advancing the staircase.
  // One statement locks and reads the session with its study's design (a round trip per request
  // less than a lock followed by a read, which matters under load).
  const [row] = await tx.$queryRaw<LockedSessionRow[]>`
    SELECT s.id, s."studyId", s."participantId", s."armId", s.seed, s.status::text AS status, s."nextTrialIndex",
           s."refreshHz", s.plan, s."staircaseState", st.config, st.feedback
      FROM "EvaluationSession" s JOIN "Study" st ON st.id = s."studyId"
     WHERE s.id = ${sessionId}
       FOR UPDATE OF s`;
  if (!row || row.participantId !== participantId) throw notFound("Session");
  const session = { ...row, study: { feedback: row.feedback } };
  return { session, plan: parsePlan(row.plan), config: parseStudyConfig(row.config) };
}

type Locked = Awaited<ReturnType<typeof lockSession>>;
type StoredStaircases = Record<string, Prisma.JsonValue | undefined>;

function storedStaircases(value: Prisma.JsonValue | null): StoredStaircases {
  return value && typeof value === "object" && !Array.isArray(value) ? { ...value } : {};
}

/**
 * One block's staircase, checked (lib/hype replays its answers to validate it). Only the block
 * in play is parsed: the others are passed through as stored, so a request's cost does not grow
 * with every block answered so far.
 */
function staircaseOf(stored: StoredStaircases, block: number): StaircaseState | undefined {
  const state = stored[String(block)];
  return state === undefined ? undefined : parseStaircaseState(state);
}

/** Masks never change once a study has them (made at its first start, under the study lock). */
const studyMasks = new Map<string, { id: string }[]>();

async function masksOf(tx: Tx, studyId: string, count: number): Promise<{ id: string }[]> {
  const cached = studyMasks.get(studyId);
  if (cached && cached.length >= count) return cached.slice(0, count);
  const masks = await tx.maskImage.findMany({ where: { studyId }, orderBy: { position: "asc" }, take: count, select: { id: true } });
  if (masks.length === count) studyMasks.set(studyId, masks);
  return masks;
}

async function specFor(tx: Tx, locked: Locked, trial: { index: number; stimulusToken: string; requestedMs: number | null; requestedFrames: number | null }, secret: string, now: number): Promise<TrialSpec> {
  const { session, plan, config } = locked;
  const planned = plan.trials[trial.index]!;
  const block = plan.blocks[planned.block]!;
  const timed = planned.protocol === "hype_time";
  const masks = timed ? await masksOf(tx, session.studyId, config.masks.count) : [];
  const expiresAt = now + STIMULUS_TOKEN_TTL_MS;
  return {
    index: trial.index,
    block: planned.block,
    blockTrial: trial.index - block.start,
    blockSize: block.size,
    totalTrials: plan.trials.length,
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
  return db.$transaction(async (tx) => {
    const locked = await lockSession(tx, input.sessionId, input.participantId);
    const { session, plan, config } = locked;
    if (FINISHED.includes(session.status)) return { done: true, status: session.status };

    if (session.nextTrialIndex > 0) {
      const last = await tx.trial.findUniqueOrThrow({ where: { sessionId_index: { sessionId: session.id, index: session.nextTrialIndex - 1 } } });
      if (!last.answeredAt) {
        const reissued =
          last.tokenExpiresAt > now
            ? last
            : await tx.trial.update({
                where: { id: last.id },
                data: { stimulusToken: newStimulusToken(), tokenExpiresAt: new Date(now.getTime() + STIMULUS_TOKEN_TTL_MS) },
              });
        return { trial: await specFor(tx, locked, reissued, input.secret, now.getTime()) };
      }
    }
    const index = session.nextTrialIndex;
    const planned = plan.trials[index];
    if (!planned) return { done: true, status: session.status };

    let requested: { ms: number; frames: number } | null = null;
    const staircases = storedStaircases(session.staircaseState);
    let createdStaircase = false;
    if (planned.protocol === "hype_time") {
      if (!session.refreshHz) throw new ApiError("CONFLICT", "Run the device check before the timed trials.");
      let staircase = staircaseOf(staircases, planned.block);
      if (!staircase) {
        staircase = createStaircase(staircaseParamsOf(config));
        staircases[planned.block] = staircase as unknown as Prisma.JsonValue;
        createdStaircase = true;
      }
      requested = exposureFor(staircase, session.refreshHz);
    }
    const trial = await tx.trial.create({
      data: {
        sessionId: session.id,
        index,
        block: planned.block,
        imageId: planned.imageId,
        label: planned.label === "real" ? ImageLabel.REAL : ImageLabel.GENERATED,
        requestedMs: requested?.ms ?? null,
        requestedFrames: requested?.frames ?? null,
        refreshHz: session.refreshHz,
        stimulusToken: newStimulusToken(),
        tokenExpiresAt: new Date(now.getTime() + STIMULUS_TOKEN_TTL_MS),
        issuedAt: now,
      },
    });
    await tx.evaluationSession.update({
      where: { id: session.id },
      data: {
        nextTrialIndex: index + 1,
        // Issuing a trial moves no staircase: the state is rewritten only when a block's begins.
        ...(createdStaircase ? { staircaseState: staircases as Prisma.InputJsonValue } : {}),
        status: session.status === SessionStatus.STARTED ? SessionStatus.IN_PROGRESS : session.status,
      },
      select: { id: true },
    });
    return { trial: await specFor(tx, locked, trial, input.secret, now.getTime()) };
  });
}

function outcome(locked: Locked, trial: { index: number; correct: boolean | null; flags: string[] }, status: SessionStatus, plan: SessionPlan): AnswerOutcome {
  const planned = plan.trials[trial.index]!;
  // No feedback on a replaced trial: its re-run, issued next, has the same label, so "correct"
  // here would tell the annotator the answer to the trial they are about to see.
  const feedback = locked.session.study.feedback && planned.protocol !== "qualification" && !trial.flags.includes(REPLACED_FLAG);
  return {
    index: trial.index,
    stored: true,
    ...(feedback ? { correct: trial.correct ?? false } : {}),
    answered: trial.index + 1,
    total: plan.trials.length,
    status,
  };
}

async function sourceSetOf(tx: Tx, session: { studyId: string; armId: string | null }, label: "real" | "generated"): Promise<string> {
  if (label === "generated") return (await tx.arm.findUniqueOrThrow({ where: { id: session.armId! }, select: { generatedSetId: true } })).generatedSetId;
  return (await tx.study.findUniqueOrThrow({ where: { id: session.studyId }, select: { realImageSetId: true } })).realImageSetId!;
}

async function settleQualification(tx: Tx, locked: Locked, block: number, now: Date): Promise<boolean> {
  const trials = await tx.trial.findMany({ where: { sessionId: locked.session.id, block }, select: { label: true, correct: true } });
  const tally = { real: 0, realWrong: 0, generated: 0, generatedWrong: 0 };
  for (const trial of trials) {
    if (trial.label === ImageLabel.REAL) {
      tally.real++;
      if (!trial.correct) tally.realWrong++;
    } else {
      tally.generated++;
      if (!trial.correct) tally.generatedWrong++;
    }
  }
  const result = qualificationResult(locked.session.participantId, tally);
  const study = await tx.study.findUniqueOrThrow({ where: { id: locked.session.studyId }, select: { qualificationDomain: true } });
  await tx.qualificationResult.create({
    data: {
      participantId: locked.session.participantId,
      studyId: locked.session.studyId,
      domain: study.qualificationDomain,
      realCorrect: tally.real - tally.realWrong,
      realTotal: tally.real,
      generatedCorrect: tally.generated - tally.generatedWrong,
      generatedTotal: tally.generated,
      passed: result.passed,
      createdAt: now,
    },
  });
  return result.passed;
}

async function rerunsLeftInBlock(tx: Tx, sessionId: string, plan: SessionPlan, block: number): Promise<boolean> {
  const rerunsSoFar = await tx.trial.count({ where: { sessionId, block, flags: { has: REPLACED_FLAG } } });
  return rerunAllowed(plan.blocks[block]!, rerunsSoFar);
}

/**
 * Stores one answer, once. Correctness and the staircase step are computed here, in the same
 * transaction as the write; a retry of a stored answer returns the stored outcome.
 */
export async function submitAnswer(db: Db, input: { sessionId: string; participantId: string; answer: AnswerInput; now?: Date }): Promise<AnswerOutcome> {
  const now = input.now ?? new Date();
  const answer = input.answer;
  return db.$transaction(async (tx) => {
    const locked = await lockSession(tx, input.sessionId, input.participantId);
    const { session } = locked;
    const trial = await tx.trial.findUnique({ where: { sessionId_index: { sessionId: session.id, index: answer.index } } });
    if (!trial) throw new ApiError("CONFLICT", `Trial ${answer.index} was not issued to this session.`);
    const given = answer.answer === "real" ? ImageLabel.REAL : ImageLabel.GENERATED;
    if (trial.answeredAt) {
      if (trial.answer === given && trial.presentedFrames === answer.presentedFrames) return outcome(locked, trial, session.status, locked.plan);
      throw new ApiError("CONFLICT", `Trial ${answer.index} is already answered.`);
    }
    if (answer.requestedFrames !== trial.requestedFrames) {
      throw new ApiError("UNPROCESSABLE", `The exposure reported for trial ${answer.index} is not the one the server issued.`);
    }
    let plan = locked.plan;
    const planned = plan.trials[trial.index]!;
    const correct = given === trial.label;
    const flags = new Set<string>(answer.flags);
    if (trial.requestedFrames !== null && answer.presentedFrames !== trial.requestedFrames) flags.add("frame_miss");
    const rerunPlan =
      planned.protocol === "hype_time" && locked.config.rerunFlagged && needsRerun([...flags]) && (await rerunsLeftInBlock(tx, session.id, plan, planned.block))
        ? await planRerun(tx, { plan, index: trial.index, seed: session.seed, sourceSetId: await sourceSetOf(tx, session, planned.label) })
        : null;
    if (rerunPlan) {
      flags.add(REPLACED_FLAG);
      plan = rerunPlan;
    }
    const stored = await tx.trial.update({
      where: { id: trial.id },
      data: {
        answer: given,
        correct,
        presentedFrames: answer.presentedFrames,
        measuredMs: answer.measuredMs,
        refreshHz: answer.refreshHz,
        flags: [...flags],
        clientTimes: answer.clientTimes,
        answeredAt: now,
      },
    });

    const staircases = storedStaircases(session.staircaseState);
    // A replaced trial does not move the staircase: its re-run will, at the same exposure.
    const movesStaircase = planned.protocol === "hype_time" && !rerunPlan;
    if (movesStaircase) staircases[planned.block] = addResponse(staircaseOf(staircases, planned.block)!, correct) as unknown as Prisma.JsonValue;
    const block = plan.blocks[planned.block]!;
    const blockEnded = trial.index === block.start + block.size - 1;
    let status = session.status;
    if (blockEnded && planned.protocol === "qualification") {
      status = (await settleQualification(tx, locked, planned.block, now)) ? SessionStatus.IN_PROGRESS : SessionStatus.DISQUALIFIED;
    }
    if (status !== SessionStatus.DISQUALIFIED && trial.index === plan.trials.length - 1) status = SessionStatus.COMPLETED;
    await tx.evaluationSession.update({
      where: { id: session.id },
      select: { id: true },
      data: {
        ...(movesStaircase ? { staircaseState: staircases as Prisma.InputJsonValue } : {}),
        status,
        ...(rerunPlan ? { plan: rerunPlan } : {}),
        ...(FINISHED.includes(status) ? { completedAt: now } : {}),
      },
    });
    return outcome(locked, stored, status, plan);
  });
}
