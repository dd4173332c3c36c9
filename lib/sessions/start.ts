import { randomBytes } from "node:crypto";
import { ApiError } from "@/lib/api/errors";
import { ScheduleError, seedFrom } from "@/lib/hype";
import { Protocol, SessionStatus, StudyStatus, type Db } from "@/lib/db";
import { ensureStudyMasks } from "@/lib/sessions/masks";
import { blocksFor, planSession } from "@/lib/sessions/plan";
import { parseStudyConfig } from "@/lib/studies/config";
import { cellKey, stoppedCells } from "@/lib/studies/live-scores";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * The study's first session draws its masks inside the transaction, which can pass Prisma's 5 s
 * default on a loaded server; the advisory lock makes concurrent starters wait their turn.
 */
const START_TRANSACTION = { maxWait: 30_000, timeout: 60_000 };

const COUNTED = [SessionStatus.STARTED, SessionStatus.QUALIFYING, SessionStatus.IN_PROGRESS, SessionStatus.COMPLETED];

export const HYPE_PROTOCOL = { [Protocol.HYPE_TIME]: "hype_time", [Protocol.HYPE_INFINITY]: "hype_inf" } as const;

async function imageIds(tx: Tx, imageSetId: string): Promise<string[]> {
  const rows = await tx.image.findMany({ where: { imageSetId }, select: { id: true }, orderBy: { id: "asc" } });
  return rows.map((row) => row.id);
}

async function hasPassedQualification(tx: Tx, participantId: string, study: { id: string; qualificationDomain: string | null }) {
  const passed = await tx.qualificationResult.findFirst({
    where: {
      participantId,
      passed: true,
      OR: [{ studyId: study.id }, ...(study.qualificationDomain ? [{ domain: study.qualificationDomain }] : [])],
    },
    select: { id: true },
  });
  return passed !== null;
}

function planOrExplain(request: Parameters<typeof planSession>[0]) {
  try {
    return planSession(request);
  } catch (error) {
    if (error instanceof ScheduleError) throw new ApiError("CONFLICT", `This study cannot start: ${error.message}.`);
    throw error;
  }
}

/**
 * Starts (or, on a reload, returns) a participant's session in a study. Evaluators are assigned
 * between-subjects to the (protocol, arm) cell with the fewest evaluators, until each arm has its
 * target; the plan of trials is fixed now from a seed derived from the study and participant.
 * With the study's stopping rule on, an (arm, protocol) whose live CI is already narrower than its
 * target is skipped (lib/hype/stopping.ts); sessions already running in it finish.
 */
export async function startSession(
  db: Db,
  input: { studyId: string; participantId: string; externalStudyId?: string; externalSessionId?: string },
) {
  // Scored outside the transaction: scoring reads through `db`, and on the embedded database a
  // second connection inside a transaction would wait for it. The decision is made from the
  // stored answers at this instant, deterministically (lib/studies/live-scores.ts).
  const scoring = await db.study.findUnique({ where: { id: input.studyId }, select: { id: true, seed: true, config: true, status: true } });
  const stopped = scoring && scoring.status === StudyStatus.LIVE ? await stoppedCells(db, scoring) : new Set<string>();
  return db.$transaction(async (tx) => {
    const findExisting = () =>
      tx.evaluationSession.findFirst({ where: { studyId: input.studyId, participantId: input.participantId }, orderBy: { startedAt: "asc" } });
    // A reload needs no lock. Nor do the reads below: only the assignment is serialized, so that a
    // burst of annotators opening the link queues for the choice of an arm, not for the image pools.
    const returning = await findExisting();
    if (returning) return returning;

    const study = await tx.study.findUnique({ where: { id: input.studyId }, include: { arms: { orderBy: { position: "asc" } } } });
    if (!study) throw new ApiError("NOT_FOUND", "Study not found.");
    if (study.status !== StudyStatus.LIVE) throw new ApiError("CONFLICT", "This study is not accepting participants right now.");
    if (!study.realImageSetId || study.arms.length === 0) throw new ApiError("CONFLICT", "This study has no images yet.");
    const protocols = study.protocols.filter((protocol) => protocol !== Protocol.QUALIFICATION);
    const withQualification = study.qualificationRequired && !(await hasPassedQualification(tx, input.participantId, study));
    const generatedPools: Record<string, string[]> = {};
    for (const arm of study.arms) generatedPools[arm.id] = await imageIds(tx, arm.generatedSetId);
    const realPool = await imageIds(tx, study.realImageSetId);

    // One assignment at a time per study, so two annotators cannot both take the last place of an arm.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${input.studyId}))`;
    const existing = await findExisting(); // the same participant in another tab, just before us
    if (existing) return existing;

    const counts = await tx.evaluationSession.groupBy({
      by: ["armId", "protocol"],
      where: { studyId: study.id, status: { in: COUNTED } },
      _count: { _all: true },
    });
    const countOf = (armId: string, protocol: Protocol) =>
      counts.find((row) => row.armId === armId && row.protocol === protocol)?._count._all ?? 0;
    const cells = protocols
      .flatMap((protocol) => study.arms.map((arm) => ({ arm, protocol, count: countOf(arm.id, protocol) })))
      .filter((cell) => cell.count < cell.arm.targetEvaluators)
      .filter((cell) => !stopped.has(cellKey(cell.arm.name, HYPE_PROTOCOL[cell.protocol as keyof typeof HYPE_PROTOCOL])));
    if (cells.length === 0) throw new ApiError("CONFLICT", "This study has all the evaluators it needs. Thank you for your interest.");
    const cell = cells.reduce((best, candidate) => (candidate.count < best.count ? candidate : best));

    const config = parseStudyConfig(study.config);
    // Launch makes the masks (lib/studies/design.ts); this finds them, or makes them for a study
    // launched before launches did (and for the demo, which is seeded live).
    await ensureStudyMasks(
      tx,
      { id: study.id, seed: study.seed, realImageSetId: study.realImageSetId, generatedSetIds: study.arms.map((arm) => arm.generatedSetId) },
      config.masks.count,
    );
    const seed = seedFrom(study.seed, input.participantId);
    const plan = planOrExplain({
      seed,
      armId: cell.arm.id,
      blocks: blocksFor(HYPE_PROTOCOL[cell.protocol as keyof typeof HYPE_PROTOCOL], config, withQualification),
      realPool,
      generatedPools,
    });
    return tx.evaluationSession.create({
      data: {
        studyId: study.id,
        participantId: input.participantId,
        armId: cell.arm.id,
        protocol: cell.protocol,
        seed,
        plan,
        staircaseState: {},
        status: withQualification ? SessionStatus.QUALIFYING : SessionStatus.STARTED,
        externalStudyId: input.externalStudyId,
        externalSessionId: input.externalSessionId,
        completionCode: study.prolificCompletionCode ?? randomBytes(6).toString("hex").toUpperCase(),
      },
    });
  }, START_TRANSACTION);
}
