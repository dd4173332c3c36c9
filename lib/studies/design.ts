import { ApiError } from "@/lib/api/errors";
import type { CurrentUser } from "@/lib/auth/guard";
import { assertStudyAccess } from "@/lib/auth/guard";
import { buildSchedule, ScheduleError } from "@/lib/hype";
import { ImageLabel, Prisma, Protocol, Role, StudyStatus, type Db } from "@/lib/db";
import { ensureStudyMasks } from "@/lib/sessions/masks";
import { blocksFor } from "@/lib/sessions/plan";
import { analysisSettingsOf, parseStudyConfig } from "@/lib/studies/config";
import { LIVE_EDITABLE_FIELDS, type UpdateStudyInput } from "@/lib/validations/study";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

async function lockedStudy(tx: Tx, user: CurrentUser, id: string) {
  await tx.$executeRaw`SELECT 1 FROM "Study" WHERE id = ${id} FOR UPDATE`;
  return assertStudyAccess(user, await tx.study.findUnique({ where: { id }, include: { arms: { orderBy: { position: "asc" } } } }));
}

async function assertOwnSet(tx: Tx, user: CurrentUser, setId: string, label: ImageLabel) {
  const set = await tx.imageSet.findUnique({ where: { id: setId }, select: { ownerId: true, label: true, name: true } });
  if (!set || (set.ownerId !== user.id && user.role !== Role.ADMIN)) throw new ApiError("UNPROCESSABLE", `Image set ${setId} not found.`);
  if (set.label !== label) {
    throw new ApiError("UNPROCESSABLE", `Image set "${set.name}" holds ${set.label.toLowerCase()} images; ${label.toLowerCase()} ones are needed here.`);
  }
}

/**
 * Edits a study. While it is live or paused only its texts and its analysis settings may change:
 * the design that the collected answers depend on is locked (docs: lifecycle), while exclusion
 * rules and stopping targets change only how the answers are analysed.
 */
export async function updateStudy(db: Db, user: CurrentUser, id: string, input: UpdateStudyInput) {
  return db.$transaction(async (tx) => {
    const study = await lockedStudy(tx, user, id);
    if (study.status !== StudyStatus.DRAFT) {
      const locked = Object.keys(input).filter((field) => !(LIVE_EDITABLE_FIELDS as readonly string[]).includes(field));
      if (locked.length > 0) {
        throw new ApiError(
          "CONFLICT",
          `The study is ${study.status.toLowerCase()}: its design is locked (${locked.join(", ")}). Only texts and the analysis settings can change.`,
        );
      }
    }
    if (input.realImageSetId) await assertOwnSet(tx, user, input.realImageSetId, ImageLabel.REAL);
    const { config, analysis, ...rest } = input;
    const nextConfig =
      config || analysis
        ? { ...(config ?? (study.config as object)), analysis: analysis ?? config?.analysis ?? analysisSettingsOf(study.config) }
        : null;
    return tx.study.update({
      where: { id },
      data: { ...rest, ...(nextConfig ? { config: nextConfig as Prisma.InputJsonValue } : {}) },
    });
  });
}

/** Replaces the arms of a draft study (one model under test each, with its generated set). */
export async function setArms(db: Db, user: CurrentUser, id: string, arms: { name: string; generatedSetId: string; targetEvaluators: number }[]) {
  return db.$transaction(async (tx) => {
    const study = await lockedStudy(tx, user, id);
    if (study.status !== StudyStatus.DRAFT) throw new ApiError("CONFLICT", "Arms can only change while the study is a draft.");
    for (const arm of arms) await assertOwnSet(tx, user, arm.generatedSetId, ImageLabel.GENERATED);
    await tx.arm.deleteMany({ where: { studyId: id } });
    for (const [position, arm] of arms.entries()) await tx.arm.create({ data: { ...arm, position, studyId: id } });
    return tx.arm.findMany({ where: { studyId: id }, orderBy: { position: "asc" } });
  });
}

/** Why a study cannot launch yet; empty when it can. Checks what a session start would need. */
export async function launchProblems(tx: Tx, study: Awaited<ReturnType<typeof lockedStudy>>): Promise<string[]> {
  const problems: string[] = [];
  const config = parseStudyConfig(study.config);
  if (!study.realImageSetId) problems.push("Choose the set of real images.");
  if (study.arms.length === 0) problems.push("Add at least one arm (a model with its generated images).");
  if (study.recruitment === "PROLIFIC" && !study.prolificCompletionCode) problems.push("Prolific recruitment needs a completion code.");
  if (study.qualificationRequired && study.arms.length === 0) problems.push("Qualification draws generated images from the arms.");
  if (problems.length > 0) return problems;

  const setIds = [study.realImageSetId!, ...study.arms.map((arm) => arm.generatedSetId)];
  const sizes = await tx.image.groupBy({ by: ["width", "height"], where: { imageSetId: { in: setIds } } });
  if (sizes.length > 1) {
    problems.push(`All images must have one size (found ${sizes.map((size) => `${size.width}×${size.height}`).join(", ")}): re-import with a target size.`);
  }
  const ids = async (imageSetId: string) =>
    (await tx.image.findMany({ where: { imageSetId }, select: { id: true }, orderBy: { id: "asc" } })).map((image) => image.id);
  const realPool = await ids(study.realImageSetId!);
  const generatedPools: Record<string, string[]> = {};
  for (const arm of study.arms) generatedPools[arm.id] = await ids(arm.generatedSetId);
  for (const protocol of study.protocols.filter((p) => p !== Protocol.QUALIFICATION)) {
    const blocks = blocksFor(protocol === Protocol.HYPE_TIME ? "hype_time" : "hype_inf", config, study.qualificationRequired);
    for (const arm of study.arms) {
      try {
        buildSchedule({ seed: 1, arm: arm.id, blocks, realPool, generatedPools });
      } catch (error) {
        if (!(error instanceof ScheduleError)) throw error;
        problems.push(`Arm "${arm.name}", ${protocol === Protocol.HYPE_TIME ? "HYPE_time" : "HYPE_∞"}: ${error.message}.`);
      }
    }
  }
  return problems;
}

/** A launch makes the study's masks (image work, 1–2 s): more than Prisma's 5 s default on a loaded machine. */
const LAUNCH_TRANSACTION = { maxWait: 30_000, timeout: 60_000 };

const TRANSITIONS = {
  launch: { from: [StudyStatus.DRAFT], to: StudyStatus.LIVE },
  pause: { from: [StudyStatus.LIVE], to: StudyStatus.PAUSED },
  resume: { from: [StudyStatus.PAUSED], to: StudyStatus.LIVE },
  close: { from: [StudyStatus.LIVE, StudyStatus.PAUSED], to: StudyStatus.CLOSED },
} as const;

/** draft → live → paused ⇄ live → closed. Launching checks that every evaluator's plan can be built. */
export async function changeStatus(db: Db, user: CurrentUser, id: string, action: keyof typeof TRANSITIONS, now = new Date()) {
  return db.$transaction(async (tx) => {
    const study = await lockedStudy(tx, user, id);
    const transition = TRANSITIONS[action];
    if (!(transition.from as readonly StudyStatus[]).includes(study.status)) {
      throw new ApiError("CONFLICT", `A ${study.status.toLowerCase()} study cannot ${action}.`);
    }
    if (action === "launch") {
      const problems = await launchProblems(tx, study);
      if (problems.length > 0) throw new ApiError("UNPROCESSABLE", `The study cannot launch yet: ${problems.join(" ")}`);
      // Made here, not by the first annotator's start: there they held the study's assignment
      // lock for 1–2 s of image work while every other annotator opening the link waited.
      await ensureStudyMasks(
        tx,
        { id: study.id, seed: study.seed, realImageSetId: study.realImageSetId!, generatedSetIds: study.arms.map((arm) => arm.generatedSetId) },
        parseStudyConfig(study.config).masks.count,
      );
    }
    return tx.study.update({
      where: { id },
      data: {
        status: transition.to,
        ...(action === "launch" ? { launchedAt: now } : {}),
        ...(action === "close" ? { closedAt: now } : {}),
      },
    });
  }, LAUNCH_TRANSACTION);
}
