import { ImageLabel, type Db } from "@/lib/db";
import type { TrialSpec } from "@/lib/sessions/contract";
import { joinStudyByLink, type ExternalIds } from "@/lib/sessions/participants";
import { startSession } from "@/lib/sessions/start";
import { nextTrial, submitAnswer } from "@/lib/sessions/trials";
import { recordDevice } from "@/lib/sessions/view";
import type { AnswerInput } from "@/lib/validations/session";

export const TEST_SECRET = "test-secret-test-secret-test-secret!";
export const TEST_DEVICE = { refreshHz: 60, windowWidth: 1280, windowHeight: 800, devicePixelRatio: 1, fullscreen: true, touch: false, userAgent: "test" };

type Label = "real" | "generated";

export type DriveOptions = {
  linkCode: string;
  /** Stop after this many answers (default: to the end of the session). */
  stop?: number;
  /** The answer to give, knowing the right one (read from the database, as only a test can). */
  choose(spec: TrialSpec, right: Label): Label;
  flags?(spec: TrialSpec): string[];
  measuredMs?(spec: TrialSpec, frames: number | null): number;
  refreshHz?: number;
  /** Ids from the study link (PROLIFIC_PID, STUDY_ID, SESSION_ID), as the consent form passes them. */
  external?: ExternalIds;
};

/** An honest answer to `spec`: the exposure as issued, shown as requested and measured at 60 Hz. */
export function answerFor(spec: TrialSpec, answer: Label, changes: Partial<AnswerInput> = {}): AnswerInput {
  const frames = spec.exposure?.frames ?? null;
  return {
    index: spec.index,
    answer,
    requestedFrames: frames,
    presentedFrames: frames,
    measuredMs: frames === null ? 1500 : (frames * 1000) / 60,
    refreshHz: 60,
    flags: [],
    clientTimes: { stimulusOnset: 1000, stimulusOffset: 1500, responseAt: 2000 },
    ...changes,
  };
}

/**
 * One participant through the real services: join, start, device check, then next → answer until
 * the session ends or `stop` answers. Shared by the integration tests that need answered studies.
 */
export async function driveSession(db: Db, options: DriveOptions): Promise<{ sessionId: string; participantId: string; answered: number }> {
  const { participantId, studyId } = await joinStudyByLink(db, { linkCode: options.linkCode, external: options.external });
  const session = await startSession(db, { studyId, participantId });
  await recordDevice(db, session.id, participantId, TEST_DEVICE);
  let answered = 0;
  while (options.stop === undefined || answered < options.stop) {
    const next = await nextTrial(db, { sessionId: session.id, participantId, secret: TEST_SECRET });
    if (!("trial" in next)) break;
    const spec = next.trial;
    const stored = await db.trial.findUniqueOrThrow({ where: { sessionId_index: { sessionId: session.id, index: spec.index } } });
    const right: Label = stored.label === ImageLabel.REAL ? "real" : "generated";
    const frames = spec.exposure?.frames ?? null;
    const honest = answerFor(spec, options.choose(spec, right));
    await submitAnswer(db, {
      sessionId: session.id,
      participantId,
      answer: {
        ...honest,
        measuredMs: options.measuredMs?.(spec, frames) ?? honest.measuredMs,
        refreshHz: options.refreshHz ?? 60,
        flags: options.flags?.(spec) ?? [],
      },
    });
    answered++;
  }
  return { sessionId: session.id, participantId, answered };
}

export const flip = (label: Label): Label => (label === "real" ? "generated" : "real");
