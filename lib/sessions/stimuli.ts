import type { Db } from "@/lib/db";
import { readMaskToken } from "@/lib/sessions/tokens";
import { readObject } from "@/lib/storage/local";

/**
 * The bytes behind a stimulus or mask token, for the participant it was issued to; null for an
 * unknown, expired or foreign token (all answered alike, so probing learns nothing).
 */
export async function stimulusBytes(db: Db, input: { token: string; participantId: string; secret: string; now?: Date }): Promise<Buffer | null> {
  const now = input.now ?? new Date();
  if (!/^[A-Za-z0-9_-]{20,400}$/.test(input.token)) return null;
  const trial = await db.trial.findUnique({
    where: { stimulusToken: input.token },
    select: { tokenExpiresAt: true, answeredAt: true, session: { select: { participantId: true } }, image: { select: { storageKey: true } } },
  });
  if (trial) {
    if (trial.session.participantId !== input.participantId || trial.tokenExpiresAt <= now) return null;
    return readObject(trial.image.storageKey);
  }
  const mask = readMaskToken(input.secret, input.token, now.getTime());
  if (!mask) return null;
  const session = await db.evaluationSession.findUnique({ where: { id: mask.sessionId }, select: { participantId: true, studyId: true } });
  if (!session || session.participantId !== input.participantId) return null;
  const image = await db.maskImage.findUnique({ where: { id: mask.maskId }, select: { storageKey: true, studyId: true } });
  if (!image || image.studyId !== session.studyId) return null;
  return readObject(image.storageKey);
}
