import { ApiError } from "@/lib/api/errors";
import { sign, unsign } from "@/lib/auth/signed-value";
import { StudyStatus, type Db } from "@/lib/db";
import { startSession } from "@/lib/sessions/start";

export const PARTICIPANT_COOKIE = "percept_participant";
export const PARTICIPANT_COOKIE_PURPOSE = "participant";
export const PARTICIPANT_COOKIE_MAX_AGE_S = 60 * 60 * 24 * 30;

/**
 * `participantId:expiresAtMs`, signed. The expiry is inside the signature because the browser's
 * Max-Age protects nothing: a copied cookie would otherwise work for ever.
 */
export function participantCookieValue(participantId: string, secret: string, now = Date.now()): string {
  return sign(`${participantId}:${now + PARTICIPANT_COOKIE_MAX_AGE_S * 1000}`, secret, PARTICIPANT_COOKIE_PURPOSE);
}

/** The participant id of a genuine, unexpired cookie; null for anything else. */
export function readParticipantCookie(value: string | undefined, secret: string, now = Date.now()): string | null {
  const signed = unsign(value, secret, PARTICIPANT_COOKIE_PURPOSE);
  const match = signed?.match(/^([^:]+):(\d{1,15})$/);
  if (!match || Number(match[2]) <= now) return null;
  return match[1]!;
}

export type ExternalIds = { prolificPid?: string; prolificStudyId?: string; prolificSessionId?: string };

/** The public face of a study behind its link; never the owner, the images or their labels. */
export async function findStudyByLink(db: Db, linkCode: string) {
  return db.study.findUnique({
    where: { linkCode },
    select: { id: true, name: true, description: true, instructions: true, consentText: true, status: true, isDemo: true },
  });
}

/**
 * Registers the annotator behind a study link. Anonymous annotators are identified only by the
 * signed cookie that carries the returned id; a Prolific id maps to one participant for good.
 */
export async function joinStudy(
  db: Db,
  input: { linkCode: string; participantId?: string | null; userId?: string | null; external?: ExternalIds },
): Promise<{ participantId: string; studyId: string }> {
  const study = await findStudyByLink(db, input.linkCode);
  if (!study) throw new ApiError("NOT_FOUND", "This study link is not valid.");
  if (study.status !== StudyStatus.LIVE) throw new ApiError("CONFLICT", "This study is not accepting participants right now.");

  if (input.userId) {
    const participant = await db.participant.upsert({ where: { userId: input.userId }, create: { userId: input.userId }, update: {} });
    return { participantId: participant.id, studyId: study.id };
  }
  if (input.external?.prolificPid) {
    const key = { externalSource: "prolific", externalId: input.external.prolificPid };
    const participant = await db.participant.upsert({
      where: { externalSource_externalId: key },
      create: key,
      update: {},
    });
    return { participantId: participant.id, studyId: study.id };
  }
  if (input.participantId) {
    const known = await db.participant.findUnique({ where: { id: input.participantId }, select: { id: true } });
    if (known) return { participantId: known.id, studyId: study.id };
  }
  const participant = await db.participant.create({ data: {} });
  return { participantId: participant.id, studyId: study.id };
}

/**
 * The consent form behind a study link. A Prolific annotator's session starts right away, so that
 * Prolific's STUDY_ID and SESSION_ID are stored with it (the session page only knows the cookie);
 * a returning PROLIFIC_PID gets the session it already has, whatever SESSION_ID it brings: one
 * session per Prolific participant and study. A refusal to start (study full, paused) is not
 * raised here: the session page asks again and shows it.
 */
export async function joinStudyByLink(db: Db, input: Parameters<typeof joinStudy>[1]): Promise<{ participantId: string; studyId: string }> {
  const joined = await joinStudy(db, input);
  const external = input.external;
  if (external?.prolificPid) {
    await startSession(db, { ...joined, externalStudyId: external.prolificStudyId, externalSessionId: external.prolificSessionId }).catch((error: unknown) => {
      if (!(error instanceof ApiError)) throw error;
    });
  }
  return joined;
}
