/**
 * A study's answered trials as flat export rows, read from the database in pages, and the study's
 * scores computed from exactly those rows (the same reader the `score` CLI uses on a file).
 */
import { notFound } from "@/lib/api/errors";
import type { Protocol as HypeProtocol, ScoreOptions } from "@/lib/hype";
import { ImageLabel, Protocol, type Db } from "@/lib/db";
import { parsePlan } from "@/lib/sessions/plan";
import { scoreTrialRows, TrialRowCollector, type ExportRow, type ScoredTrialRows } from "./trial-rows";

export const DEFAULT_PAGE_SIZE = 2_000;

export interface ExportOptions {
  /** Trials read per query (default 2,000); memory stays bounded by one page. */
  pageSize?: number;
  /** Only answers stored at or before this instant (default: when the export starts), so a study
   * that is still running gives a consistent snapshot. */
  asOf?: Date;
}

const SESSION_PROTOCOL: Record<Protocol, HypeProtocol> = {
  [Protocol.HYPE_TIME]: "hype_time",
  [Protocol.HYPE_INFINITY]: "hype_inf",
  [Protocol.QUALIFICATION]: "qualification",
};

interface SessionInfo {
  arm: string;
  /** Protocol of each block, from the session's plan (a session may start with a qualification block). */
  blockProtocols: HypeProtocol[];
  fallback: HypeProtocol;
}

function label(value: ImageLabel): "real" | "generated" {
  return value === ImageLabel.REAL ? "real" : "generated";
}

async function sessionInfo(db: Db, ids: string[]): Promise<Map<string, SessionInfo>> {
  const sessions = await db.evaluationSession.findMany({
    where: { id: { in: ids } },
    select: { id: true, protocol: true, plan: true, arm: { select: { name: true } } },
  });
  return new Map(
    sessions.map((session) => {
      let blockProtocols: HypeProtocol[] = [];
      try {
        blockProtocols = parsePlan(session.plan).blocks.map((block) => block.protocol);
      } catch {
        // No readable plan: the session's own protocol stands for every block.
      }
      return [session.id, { arm: session.arm?.name ?? "", blockProtocols, fallback: SESSION_PROTOCOL[session.protocol] }];
    }),
  );
}

/** Answer time minus stimulus onset from the browser's stored clock readings; null when either is missing. */
export function responseMs(clientTimes: unknown): number | null {
  if (typeof clientTimes !== "object" || clientTimes === null) return null;
  const { stimulusOnset, responseAt } = clientTimes as { stimulusOnset?: unknown; responseAt?: unknown };
  if (typeof stimulusOnset !== "number" || typeof responseAt !== "number" || responseAt < stimulusOnset) return null;
  return responseAt - stimulusOnset;
}

/** One page of answered trials after `after`, in (sessionId, index) order. */
function readPage(db: Db, studyId: string, asOf: Date, after: { sessionId: string; index: number } | null, take: number) {
  return db.trial.findMany({
    where: {
      session: { studyId },
      answeredAt: { not: null, lte: asOf },
      ...(after ? { OR: [{ sessionId: { gt: after.sessionId } }, { sessionId: after.sessionId, index: { gt: after.index } }] } : {}),
    },
    orderBy: [{ sessionId: "asc" }, { index: "asc" }],
    take,
    select: {
      sessionId: true,
      index: true,
      block: true,
      label: true,
      answer: true,
      correct: true,
      requestedMs: true,
      requestedFrames: true,
      presentedFrames: true,
      measuredMs: true,
      refreshHz: true,
      clientTimes: true,
      flags: true,
      issuedAt: true,
      answeredAt: true,
      image: { select: { contentHash: true } },
    },
  });
}

/**
 * Every answered trial of a study, one export row each, ordered by (evaluator session id, trial
 * index). Reads `pageSize` trials per query with keyset pagination on (sessionId, index), so
 * memory stays bounded however large the study. Throws NOT_FOUND for an unknown study.
 */
export async function* exportTrialRows(db: Db, studyId: string, options: ExportOptions = {}): AsyncGenerator<ExportRow> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  const asOf = options.asOf ?? new Date();
  const study = await db.study.findUnique({ where: { id: studyId }, select: { id: true } });
  if (!study) throw notFound("Study");

  let after: { sessionId: string; index: number } | null = null;
  let sessions = new Map<string, SessionInfo>();
  for (;;) {
    const page = await readPage(db, studyId, asOf, after, pageSize);
    if (page.length === 0) return;

    // Only the sessions of this page are kept in memory.
    const ids = [...new Set(page.map((trial) => trial.sessionId))];
    const known = new Map(ids.filter((id) => sessions.has(id)).map((id) => [id, sessions.get(id)!]));
    const missing = ids.filter((id) => !known.has(id));
    sessions = missing.length > 0 ? new Map([...known, ...(await sessionInfo(db, missing))]) : known;

    for (const trial of page) {
      const session = sessions.get(trial.sessionId)!;
      const answer = trial.answer!;
      yield {
        study: studyId,
        arm: session.arm,
        evaluator: trial.sessionId,
        protocol: session.blockProtocols[trial.block] ?? session.fallback,
        block: trial.block,
        trial: trial.index,
        label: label(trial.label),
        answer: label(answer),
        correct: trial.correct ?? answer === trial.label,
        exposure_ms: trial.requestedMs,
        requested_frames: trial.requestedFrames,
        presented_frames: trial.presentedFrames,
        measured_ms: trial.measuredMs,
        refresh_hz: trial.refreshHz,
        response_ms: responseMs(trial.clientTimes),
        flags: trial.flags,
        image_hash: trial.image.contentHash,
        issued_at: trial.issuedAt.toISOString(),
        answered_at: trial.answeredAt!.toISOString(),
      };
    }
    const last = page[page.length - 1]!;
    after = { sessionId: last.sessionId, index: last.index };
    if (page.length < pageSize) return;
  }
}

/**
 * The study's scores from its stored trials: export rows → the file reader's collector →
 * `scoreStudy`. The `score` CLI on an export of the same study prints the same numbers.
 */
export async function scoreStudyFromDb(db: Db, studyId: string, options: ScoreOptions & ExportOptions): Promise<ScoredTrialRows> {
  const collector = new TrialRowCollector();
  let row = 0;
  for await (const exported of exportTrialRows(db, studyId, options)) collector.add(exported, ++row);
  return scoreTrialRows(collector.finish(), options);
}
