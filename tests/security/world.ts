import { createApiToken } from "@/lib/auth/api-tokens";
import type { CurrentUser } from "@/lib/auth/guard";
import { ImageLabel, MetricRunStatus, Role, StudyStatus, type Db } from "@/lib/db";
import { placeholderPng } from "@/lib/demo/placeholder-images";
import { seedDemo } from "@/lib/demo/seed";
import { writeSetting } from "@/lib/settings";
import { joinStudy } from "@/lib/sessions/participants";
import { startSession } from "@/lib/sessions/start";
import { nextTrial, type TrialSpec } from "@/lib/sessions/trials";
import { recordDevice } from "@/lib/sessions/view";
import { addImportFiles, startImport } from "@/lib/storage/image-sets";
import { createStudy } from "@/lib/studies/service";
import { driveSession, flip, TEST_DEVICE, TEST_SECRET } from "../support/drive-session";
import { createTestUser } from "../support/test-db";

export type ParticipantSession = { participantId: string; sessionId: string; trial: TrialSpec; stimulusToken: string };

/**
 * A realistic installation for the security tests: researcher A (the demo owner) with a live
 * study, its image sets, answered sessions, a metric run and an API token; researcher B, an admin
 * and a signed-in annotator beside them. The fresh* helpers make one-off resources for calls that
 * change or consume what they touch.
 */
/** Seeding images and driving sessions on a machine shared by many test runs can be slow. */
export const WORLD_BUILD_TIMEOUT_MS = 300_000;

export async function buildWorld(db: Db, options: { answeredSessions?: number } = {}) {
  const linkCode = (await seedDemo(db)).linkCode!;
  const owner: CurrentUser = await db.user.findFirstOrThrow({ where: { role: Role.RESEARCHER }, select: { id: true, email: true, name: true, role: true } });
  const [otherResearcher, admin, annotator] = await Promise.all([
    createTestUser(db, "b.researcher@example.org", Role.RESEARCHER),
    createTestUser(db, "admin@example.org", Role.ADMIN),
    createTestUser(db, "annotator@example.org", Role.ANNOTATOR),
  ]);
  await writeSetting(db, "openSignup", true);
  const study = await db.study.update({
    where: { linkCode },
    data: { protocols: ["HYPE_TIME"] },
    select: { id: true, linkCode: true, realImageSetId: true, arms: { select: { id: true, generatedSetId: true } } },
  });
  await db.arm.updateMany({ where: { studyId: study.id }, data: { targetEvaluators: 1000 } });
  const realSetId = study.realImageSetId!;
  const realImageId = (await db.image.findFirstOrThrow({ where: { imageSetId: realSetId }, select: { id: true } })).id;
  const generatedSetId = study.arms[0]!.generatedSetId;

  // Answers on record, so that exports, scores and progress have something to show.
  for (let evaluator = 0; evaluator < (options.answeredSessions ?? 2); evaluator++) {
    await driveSession(db, { linkCode, stop: 4, choose: (_spec, right) => (evaluator === 0 ? right : flip(right)) });
  }
  const metricRun = await db.metricRun.create({
    data: {
      studyId: study.id,
      imageSetId: realSetId,
      createdById: owner.id,
      status: MetricRunStatus.SUCCEEDED,
      modelHash: "a".repeat(64),
      settings: {},
      statistics: new Uint8Array([1, 2, 3, 4]),
      finishedAt: new Date(),
    },
  });

  async function participantSession(): Promise<ParticipantSession> {
    const { participantId } = await joinStudy(db, { linkCode });
    const session = await startSession(db, { studyId: study.id, participantId });
    await recordDevice(db, session.id, participantId, TEST_DEVICE);
    const next = await nextTrial(db, { sessionId: session.id, participantId, secret: TEST_SECRET });
    if (!("trial" in next)) throw new Error("the fixture study should issue a trial");
    return { participantId, sessionId: session.id, trial: next.trial, stimulusToken: next.trial.stimulusUrl.split("/").pop()! };
  }

  async function freshImport(): Promise<string> {
    return (await startImport(db, owner, generatedSetId, { targetSize: null })).importId;
  }

  return {
    db,
    owner,
    otherResearcher,
    admin,
    annotator,
    study: { id: study.id, linkCode, realSetId, generatedSetId, armId: study.arms[0]!.id },
    realImageId,
    metricRunId: metricRun.id,
    participantSession,
    freshImport,
    async freshStagedImport(): Promise<string> {
      const importId = await freshImport();
      const bytes = await placeholderPng("generated", 90_000 + Math.floor(Math.random() * 1e6));
      await addImportFiles(db, owner, generatedSetId, importId, [{ name: "extra.png", size: bytes.length, bytes: async () => new Uint8Array(bytes) }]);
      return importId;
    },
    async freshDraftStudy(): Promise<string> {
      return (await createStudy(db, owner, { name: "Draft", description: "", protocols: ["HYPE_TIME"] })).id;
    },
    async freshLiveStudy(): Promise<string> {
      const id = await this.freshDraftStudy();
      await db.study.update({ where: { id }, data: { status: StudyStatus.LIVE, launchedAt: new Date(), realImageSetId: realSetId } });
      return id;
    },
    async freshOwnerToken(): Promise<string> {
      return (await createApiToken(db, owner.id, { name: `t${Math.random()}` })).token.id;
    },
    labelOf: async (sessionId: string, index: number) =>
      (await db.trial.findUniqueOrThrow({ where: { sessionId_index: { sessionId, index } } })).label === ImageLabel.REAL ? ("real" as const) : ("generated" as const),
  };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;
