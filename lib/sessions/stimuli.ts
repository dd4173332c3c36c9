import { sqlOf, sqlTimestamp, type Db } from "@/lib/db";
import { readMaskToken } from "@/lib/sessions/tokens";
import { readObject } from "@/lib/storage/local";
import { padPng, paddedLength } from "@/lib/storage/png-padding";

const TARGET_CACHE_MS = 60_000;
const targets = new Map<string, { length: number; until: number }>();

/** The length every stimulus of a study is served at: its largest image plus the padding chunk. */
async function stimulusLength(db: Db, studyId: string, now: number): Promise<number> {
  const cached = targets.get(studyId);
  if (cached && cached.until > now) return cached.length;
  const study = await db.study.findUniqueOrThrow({ where: { id: studyId }, select: { realImageSetId: true, arms: { select: { generatedSetId: true } } } });
  const setIds = [study.realImageSetId, ...study.arms.map((arm) => arm.generatedSetId)].filter((id): id is string => id !== null);
  const largest = await db.image.aggregate({ where: { imageSetId: { in: setIds } }, _max: { byteSize: true } });
  const length = paddedLength(largest._max.byteSize ?? 0);
  targets.set(studyId, { length, until: now + TARGET_CACHE_MS });
  return length;
}

/**
 * The bytes behind a stimulus or mask token, for the participant it was issued to; null for an
 * unknown, expired, foreign or already answered token (all answered alike, so probing learns nothing).
 */
export async function stimulusBytes(db: Db, input: { token: string; participantId: string; secret: string; now?: Date }): Promise<Buffer | null> {
  const now = input.now ?? new Date();
  if (!/^[A-Za-z0-9_-]{20,400}$/.test(input.token)) return null;
  // Plain SQL, like the rest of the trial loop (lib/db/sql.ts): one statement per stimulus.
  const [trial] = await sqlOf(db).query<{ participantId: string; studyId: string; storageKey: string; servable: boolean }>(
    `SELECT s."participantId", s."studyId", i."storageKey", (t."tokenExpiresAt" > $2::timestamp AND t."answeredAt" IS NULL) AS servable
       FROM "Trial" t JOIN "EvaluationSession" s ON s.id = t."sessionId" JOIN "Image" i ON i.id = t."imageId"
      WHERE t."stimulusToken" = $1`,
    [input.token, sqlTimestamp(now)],
  );
  if (trial) {
    // Once answered (and perhaps told right or wrong), the image is not served again under its URL.
    if (trial.participantId !== input.participantId || !trial.servable) return null;
    const bytes = await readObject(trial.storageKey);
    // Every stimulus of a study leaves at one byte length: size must not tell real from generated.
    return padPng(bytes, await stimulusLength(db, trial.studyId, now.getTime()));
  }
  const mask = readMaskToken(input.secret, input.token, now.getTime());
  if (!mask) return null;
  const session = await db.evaluationSession.findUnique({ where: { id: mask.sessionId }, select: { participantId: true, studyId: true } });
  if (!session || session.participantId !== input.participantId) return null;
  const image = await db.maskImage.findUnique({ where: { id: mask.maskId }, select: { storageKey: true, studyId: true } });
  if (!image || image.studyId !== session.studyId) return null;
  return readObject(image.storageKey);
}
