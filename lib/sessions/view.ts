import { ApiError, notFound } from "@/lib/api/errors";
import { Recruitment, SessionStatus, type Db, type Prisma } from "@/lib/db";
import { parsePlan } from "@/lib/sessions/plan";
import { parseStudyConfig } from "@/lib/studies/config";
import type { DeviceReport } from "@/lib/validations/session";
import type { SessionView } from "@/lib/sessions/contract";

export type { SessionView };

const PROLIFIC_COMPLETE = "https://app.prolific.com/submissions/complete";

export async function sessionView(db: Db, sessionId: string, participantId: string): Promise<SessionView> {
  const session = await db.evaluationSession.findUnique({
    where: { id: sessionId },
    include: { study: { select: { config: true, feedback: true, recruitment: true } }, _count: { select: { trials: { where: { answeredAt: { not: null } } } } } },
  });
  if (!session || session.participantId !== participantId) throw notFound("Session");
  const plan = parsePlan(session.plan);
  const config = parseStudyConfig(session.study.config);
  const timed = plan.trials.some((trial) => trial.protocol === "hype_time");
  const completed = session.status === SessionStatus.COMPLETED;
  return {
    id: session.id,
    status: session.status,
    answered: session._count.trials,
    total: plan.trials.length,
    timed,
    needsDeviceCheck: session.refreshHz === null,
    refreshHz: session.refreshHz,
    feedback: session.study.feedback,
    keys: config.keys,
    minWindow: config.minWindow,
    blocks: plan.blocks,
    completion:
      completed && session.completionCode
        ? {
            code: session.completionCode,
            redirectUrl: session.study.recruitment === Recruitment.PROLIFIC ? `${PROLIFIC_COMPLETE}?cc=${encodeURIComponent(session.completionCode)}` : null,
          }
        : null,
  };
}

/** Stores the device check; the refresh rate fixes how many frames each exposure lasts. */
export async function recordDevice(db: Db, sessionId: string, participantId: string, report: DeviceReport): Promise<void> {
  const session = await db.evaluationSession.findUnique({ where: { id: sessionId }, include: { study: { select: { config: true } } } });
  if (!session || session.participantId !== participantId) throw notFound("Session");
  const config = parseStudyConfig(session.study.config);
  if (report.windowWidth < config.minWindow.width || report.windowHeight < config.minWindow.height) {
    throw new ApiError(
      "UNPROCESSABLE",
      `The window must be at least ${config.minWindow.width}×${config.minWindow.height} pixels (it is ${report.windowWidth}×${report.windowHeight}). Enlarge it or use fullscreen.`,
    );
  }
  if (session.refreshHz !== null && session.nextTrialIndex > 0) return; // exposures already issued keep their rate
  await db.evaluationSession.update({
    where: { id: sessionId },
    data: { refreshHz: report.refreshHz, deviceInfo: report as unknown as Prisma.InputJsonValue },
  });
}
