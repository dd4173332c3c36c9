import { assertStudyAccess, type CurrentUser } from "@/lib/auth/guard";
import { SessionStatus, type Db } from "@/lib/db";
import { analysisSettingsOf, type LiveSettings } from "@/lib/studies/config";
import { liveScores, type LiveScores } from "@/lib/studies/live-scores";

export type StudyProgress = {
  status: string;
  arms: { id: string; name: string; target: number; started: number; finished: number; disqualified: number }[];
  answers: { total: number; lastMinute: number; lastFiveMinutes: number };
  flags: Record<string, number>;
  /** Live score estimates (null before the first answer) and the settings they were judged by. */
  live: (LiveScores & { settings: LiveSettings }) | null;
  updatedAt: string;
};

/** What the live dashboard polls: counts, and the live score estimates (cached per snapshot). */
export async function studyProgress(db: Db, user: CurrentUser, studyId: string, now = new Date()): Promise<StudyProgress> {
  const study = assertStudyAccess(
    user,
    await db.study.findUnique({ where: { id: studyId }, select: { id: true, ownerId: true, status: true, seed: true, config: true, arms: { orderBy: { position: "asc" } } } }),
  );
  const [bySession, total, lastMinute, lastFive, flagged] = await Promise.all([
    db.evaluationSession.groupBy({ by: ["armId", "status"], where: { studyId }, _count: { _all: true } }),
    db.trial.count({ where: { session: { studyId }, answeredAt: { not: null } } }),
    db.trial.count({ where: { session: { studyId }, answeredAt: { gte: new Date(now.getTime() - 60_000) } } }),
    db.trial.count({ where: { session: { studyId }, answeredAt: { gte: new Date(now.getTime() - 300_000) } } }),
    db.trial.findMany({ where: { session: { studyId }, NOT: { flags: { isEmpty: true } } }, select: { flags: true } }),
  ]);
  const count = (armId: string, statuses: SessionStatus[]) =>
    bySession.filter((row) => row.armId === armId && statuses.includes(row.status)).reduce((sum, row) => sum + row._count._all, 0);
  const flags: Record<string, number> = {};
  for (const trial of flagged) for (const flag of trial.flags) flags[flag] = (flags[flag] ?? 0) + 1;
  return {
    status: study.status,
    arms: study.arms.map((arm) => ({
      id: arm.id,
      name: arm.name,
      target: arm.targetEvaluators,
      started: count(arm.id, Object.values(SessionStatus)),
      finished: count(arm.id, [SessionStatus.COMPLETED]),
      disqualified: count(arm.id, [SessionStatus.DISQUALIFIED]),
    })),
    answers: { total, lastMinute, lastFiveMinutes: lastFive },
    flags,
    live: total > 0 ? { ...(await liveScores(db, study, now)), settings: analysisSettingsOf(study.config).live } : null,
    updatedAt: now.toISOString(),
  };
}
