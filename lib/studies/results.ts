/**
 * A study's results for its owner (or an admin): the HYPE scores, evaluator counts, the evaluator
 * table and the plot data, and the downloads (trial rows, evaluator table).
 *
 * The scores come from `scoreStudyFromDb`, the one path shared with `npm run score`, with the
 * study's own seed and 10,000 resamples, so anyone holding the trial export can recompute them with
 * the command shown on the page. Everything else is computed in one pass over the same export rows
 * (`exportTrialRows`) at the same snapshot time, so the tables and plots describe exactly the rows
 * that were scored.
 */
import { z } from "zod";
import { assertStudyAccess, type CurrentUser } from "@/lib/auth/guard";
import { Protocol as DbProtocol, SessionStatus, type Db } from "@/lib/db";
import { exportTrialRows, scoreStudyFromDb } from "@/lib/export/study-trials";
import { csvChunks, jsonChunks, type ScoredTrialRows } from "@/lib/export/trial-rows";
import { csvRecord } from "@/lib/export/csv";
import { exclusionFlags } from "@/lib/export/exclusion-flags";
import {
  convergencePoint,
  countByReason,
  DEFAULT_CONFIDENCE,
  describeRule,
  EXCLUSION_REASONS,
  ruleActive,
  stepRuleOf,
  type ExclusionReason,
  type ExclusionRules,
  type Protocol,
  type StudyScores,
} from "@/lib/hype";
import { analysisSettingsOf, parseStudyConfig, staircaseParamsOf } from "@/lib/studies/config";
import {
  ResultsAggregator,
  TABLE_FLAGS,
  type ArmCurve,
  type EvaluatorAggregate,
  type StaircaseSeries,
} from "@/lib/studies/results-aggregate";

/** Resamples of every bootstrap on the results page (the paper's 10,000). */
export const RESULTS_RESAMPLES = 10_000;
/** Staircases sent to the page; the evaluator table and the curves always cover everyone. */
export const MAX_STAIRCASES = 200;

const SESSION_PROTOCOL: Record<DbProtocol, Protocol> = {
  [DbProtocol.HYPE_TIME]: "hype_time",
  [DbProtocol.HYPE_INFINITY]: "hype_inf",
  [DbProtocol.QUALIFICATION]: "qualification",
};

/** The study fields the results need; someone else's study is NOT_FOUND (assertStudyAccess). */
export async function getResultsStudy(db: Db, user: CurrentUser, id: string) {
  const study = await db.study.findUnique({
    where: { id },
    select: {
      id: true,
      ownerId: true,
      name: true,
      status: true,
      isDemo: true,
      linkCode: true,
      seed: true,
      config: true,
      arms: { orderBy: { position: "asc" }, select: { id: true, name: true, position: true, targetEvaluators: true } },
    },
  });
  return assertStudyAccess(user, study);
}
export type ResultsStudy = Awaited<ReturnType<typeof getResultsStudy>>;

/** The study's HYPE_time staircase and the accuracy it converges to (null for an unreadable config). */
export function staircaseOf(config: unknown) {
  try {
    const params = staircaseParamsOf(parseStudyConfig(config));
    return { params, convergencePoint: convergencePoint(stepRuleOf(params)) };
  } catch {
    return null;
  }
}

/** File names of the downloads, e.g. `percept-<study id>-trials.csv`. */
export function exportFileName(studyId: string, name: string): string {
  return `percept-${studyId.replace(/[^A-Za-z0-9_-]/g, "_")}-${name}`;
}

/** The command that recomputes the page's scores from the trial download, with the study's exclusion rules. */
export function scoreCommand(studyId: string, seed: number, exclusions: ExclusionRules, resamples = RESULTS_RESAMPLES): string {
  return [`npm run score -- ${exportFileName(studyId, "trials.csv")} --seed ${seed} --resamples ${resamples}`, ...exclusionFlags(exclusions)].join(" ");
}

export interface ExclusionSummary {
  reason: ExclusionReason;
  /** The rule in words, with its limits. */
  rule: string;
  /** Evaluators it excluded, per arm (every arm with scores); one with two reasons counts under both. */
  perArm: Record<string, number>;
}

/** The active rules and how many evaluators each left out, per arm. */
export function exclusionSummary(scores: StudyScores): ExclusionSummary[] {
  const counts = scores.arms.map((arm) => ({ arm: arm.arm, counts: countByReason(arm.excluded) }));
  return EXCLUSION_REASONS.filter((reason) => ruleActive(scores.exclusions, reason)).map((reason) => ({
    reason,
    rule: describeRule(scores.exclusions, reason),
    perArm: Object.fromEntries(counts.map((c) => [c.arm, c.counts[reason]])),
  }));
}

// ─── Results ────────────────────────────────────────────────────────────────────

export interface SessionCounts {
  /** Sessions assigned to the arm, whatever their status. */
  started: number;
  /** Sessions that answered every trial. */
  finished: number;
  disqualified: number;
  abandoned: number;
  /** Started, qualifying or in progress. */
  inProgress: number;
}

export interface ArmSummary extends SessionCounts {
  arm: string;
  targetEvaluators: number;
  /** Evaluators with at least one scored answer. */
  withAnswers: number;
  byProtocol: Partial<Record<Protocol, SessionCounts>>;
}

export interface EvaluatorRow {
  arm: string;
  evaluator: string;
  /** The session's protocol. */
  protocol: Protocol;
  status: SessionStatus;
  /** HYPE_time: the evaluator's threshold (ms), as scored. */
  thresholdMs: number | null;
  /** HYPE_time: the mode of each block (ms). */
  blockModesMs: number[] | null;
  /** HYPE_∞: % of answers wrong, as scored. */
  percentWrong: number | null;
  /** Share correct over the scored answers of the session's protocol (qualification excluded). */
  accuracy: number | null;
  /** Answered trials, every protocol, replaced (re-run) ones included. */
  answered: number;
  /** Answers the scoring uses. */
  scored: number;
  flags: { frame_miss: number; blur: number; hidden: number; replaced: number; other: number };
  /** Result of a qualification block in the rows, if any. */
  qualification: "passed" | "failed" | null;
  /** PROLIFIC_PID, STUDY_ID and SESSION_ID from the link the evaluator came by (null for other evaluators). */
  prolific: { pid: string; studyId: string | null; sessionId: string | null } | null;
  /** Why the exclusion rules left this evaluator out of the scores; empty when scored. */
  excluded: ExclusionReason[];
}

export interface StudyResults {
  study: { id: string; name: string; status: string; isDemo: boolean; linkCode: string; seed: number };
  /** Accuracy the study's staircase converges to (0.75 for HYPE's rule); null if the config is unreadable. */
  targetAccuracy: number | null;
  /** Every number on the page describes the answers stored up to this instant (ISO 8601). */
  asOf: string;
  /** No answered trial yet. */
  empty: boolean;
  scoring: { seed: number; resamples: number; confidence: number; command: string };
  /** The active exclusion rules and their counts per arm. */
  exclusions: ExclusionSummary[];
  /** Rows read, scored, replaced; evaluators and arms with scored rows (as `npm run score` prints). */
  counts: ScoredTrialRows["counts"];
  scores: StudyScores;
  arms: ArmSummary[];
  evaluators: EvaluatorRow[];
  staircases: StaircaseSeries[];
  /** HYPE_time evaluators in all (staircases holds at most MAX_STAIRCASES of them). */
  staircaseTotal: number;
  curves: ArmCurve[];
}

export interface ResultsOptions {
  resamples?: number;
  maxStaircases?: number;
  /** Snapshot time (default: now). */
  asOf?: Date;
}

function emptyCounts(): SessionCounts {
  return { started: 0, finished: 0, disqualified: 0, abandoned: 0, inProgress: 0 };
}

function countSession(counts: SessionCounts, status: SessionStatus): void {
  counts.started++;
  if (status === SessionStatus.COMPLETED) counts.finished++;
  else if (status === SessionStatus.DISQUALIFIED) counts.disqualified++;
  else if (status === SessionStatus.ABANDONED) counts.abandoned++;
  else counts.inProgress++;
}

function flagColumns(flags: Record<string, number>): EvaluatorRow["flags"] {
  const shown = new Set<string>(TABLE_FLAGS);
  const other = Object.entries(flags).reduce((sum, [flag, n]) => (shown.has(flag) ? sum : sum + n), 0);
  return { frame_miss: flags.frame_miss ?? 0, blur: flags.blur ?? 0, hidden: flags.hidden ?? 0, replaced: flags.replaced ?? 0, other };
}

/** Joins sessions, the one-pass aggregates and the scores into the evaluator table. */
export function evaluatorRows(
  sessions: ReadonlyArray<{ id: string; protocol: DbProtocol; status: SessionStatus; arm: string; prolific?: EvaluatorRow["prolific"] }>,
  aggregates: readonly EvaluatorAggregate[],
  scores: StudyScores,
): EvaluatorRow[] {
  const byId = new Map(aggregates.map((a) => [a.evaluator, a]));
  const time = new Map(scores.arms.flatMap((a) => a.hypeTime?.perEvaluator ?? []).map((e) => [e.evaluator, e]));
  const inf = new Map(scores.arms.flatMap((a) => a.hypeInf?.perEvaluator ?? []).map((e) => [e.evaluator, e]));
  const qualification = new Map(scores.arms.flatMap((a) => a.qualification?.perEvaluator ?? []).map((q) => [q.evaluator, q.passed]));
  const excluded = new Map(scores.arms.flatMap((a) => a.excluded).map((e) => [e.evaluator, e.reasons]));
  const rows = sessions.map((session): EvaluatorRow => {
    const protocol = SESSION_PROTOCOL[session.protocol];
    const aggregate = byId.get(session.id);
    const tally = aggregate?.byProtocol[protocol];
    const passed = qualification.get(session.id);
    return {
      arm: session.arm,
      evaluator: session.id,
      protocol,
      status: session.status,
      thresholdMs: time.get(session.id)?.thresholdMs ?? null,
      blockModesMs: time.get(session.id)?.blockModesMs ?? null,
      percentWrong: inf.get(session.id)?.percentWrong ?? null,
      accuracy: tally && tally.scored > 0 ? tally.correct / tally.scored : null,
      answered: aggregate?.answered ?? 0,
      scored: Object.values(aggregate?.byProtocol ?? {}).reduce((sum, t) => sum + t.scored, 0),
      flags: flagColumns(aggregate?.flags ?? {}),
      qualification: passed === undefined ? null : passed ? "passed" : "failed",
      prolific: session.prolific ?? null,
      excluded: excluded.get(session.id) ?? [],
    };
  });
  const order: Record<Protocol, number> = { hype_time: 0, hype_inf: 1, qualification: 2 };
  return rows.sort((a, b) =>
    a.arm !== b.arm ? (a.arm < b.arm ? -1 : 1) : a.protocol !== b.protocol ? order[a.protocol] - order[b.protocol] : a.evaluator < b.evaluator ? -1 : a.evaluator > b.evaluator ? 1 : 0,
  );
}

function studySessions(db: Db, studyId: string) {
  return db.evaluationSession.findMany({
    where: { studyId },
    orderBy: { id: "asc" },
    select: {
      id: true,
      protocol: true,
      status: true,
      arm: { select: { name: true } },
      externalStudyId: true,
      externalSessionId: true,
      participant: { select: { externalSource: true, externalId: true } },
    },
  });
}

function prolificIds(session: Awaited<ReturnType<typeof studySessions>>[number]): EvaluatorRow["prolific"] {
  const { externalSource, externalId } = session.participant;
  if (externalSource !== "prolific" || !externalId) return null;
  return { pid: externalId, studyId: session.externalStudyId, sessionId: session.externalSessionId };
}

/**
 * Everything the results page shows, for the study's owner or an admin (NOT_FOUND otherwise).
 * A study without answers gives `empty: true` with zero counts and no scores, not an error.
 */
export async function studyResults(db: Db, user: CurrentUser, id: string, options: ResultsOptions = {}): Promise<StudyResults> {
  const study = await getResultsStudy(db, user, id);
  const asOf = options.asOf ?? new Date();
  const resamples = options.resamples ?? RESULTS_RESAMPLES;
  const { exclusions } = analysisSettingsOf(study.config);

  const aggregator = new ResultsAggregator();
  for await (const row of exportTrialRows(db, study.id, { asOf })) aggregator.add(row);
  const { counts, scores } = await scoreStudyFromDb(db, study.id, { seed: study.seed, resamples, exclusions, asOf });
  const sessions = (await studySessions(db, study.id)).map((s) => ({ id: s.id, protocol: s.protocol, status: s.status, arm: s.arm?.name ?? "", prolific: prolificIds(s) }));
  const aggregates = aggregator.evaluatorAggregates();

  const withAnswers = new Map<string, number>();
  for (const a of aggregates) if (Object.values(a.byProtocol).some((t) => t.scored > 0)) withAnswers.set(a.arm, (withAnswers.get(a.arm) ?? 0) + 1);
  const arms = study.arms.map((arm): ArmSummary => {
    const total = emptyCounts();
    const byProtocol: ArmSummary["byProtocol"] = {};
    for (const session of sessions) {
      if (session.arm !== arm.name) continue;
      countSession(total, session.status);
      countSession((byProtocol[SESSION_PROTOCOL[session.protocol]] ??= emptyCounts()), session.status);
    }
    return { arm: arm.name, targetEvaluators: arm.targetEvaluators, withAnswers: withAnswers.get(arm.name) ?? 0, ...total, byProtocol };
  });

  return {
    study: { id: study.id, name: study.name, status: study.status, isDemo: study.isDemo, linkCode: study.linkCode, seed: study.seed },
    targetAccuracy: staircaseOf(study.config)?.convergencePoint ?? null,
    asOf: asOf.toISOString(),
    empty: counts.rows === 0,
    scoring: { seed: study.seed, resamples, confidence: scores.confidence, command: scoreCommand(study.id, study.seed, exclusions, resamples) },
    exclusions: exclusionSummary(scores),
    counts,
    scores,
    arms,
    evaluators: evaluatorRows(sessions, aggregates, scores),
    staircases: aggregator.staircaseSeries(options.maxStaircases ?? MAX_STAIRCASES),
    staircaseTotal: aggregator.staircaseCount(),
    curves: aggregator.accuracyCurves(),
  };
}

// ─── Scores, as the CLI prints them ─────────────────────────────────────────────

export const scoresQuerySchema = z.strictObject({
  seed: z.coerce.number().int().safe().optional(),
  resamples: z.coerce.number().int().min(1).max(100_000).optional(),
  confidence: z.coerce.number().gt(0).lt(1).optional(),
});
export type ScoresQuery = z.infer<typeof scoresQuerySchema>;

/**
 * `{counts, scores}` from `scoreStudyFromDb`: `npm run score` on the trial download prints the same
 * object (plus `file` and `format`) as its last line for the same seed, resamples and confidence.
 * Defaults: the study's seed, 10,000 resamples, 95%; always the study's exclusion rules.
 */
export async function studyScores(db: Db, user: CurrentUser, id: string, query: ScoresQuery = {}): Promise<ScoredTrialRows> {
  const study = await getResultsStudy(db, user, id);
  return scoreStudyFromDb(db, study.id, {
    seed: query.seed ?? study.seed,
    resamples: query.resamples ?? RESULTS_RESAMPLES,
    confidence: query.confidence ?? DEFAULT_CONFIDENCE,
    exclusions: analysisSettingsOf(study.config).exclusions,
  });
}

// ─── Downloads ──────────────────────────────────────────────────────────────────

export interface Download {
  filename: string;
  contentType: string;
  /** Pulled lazily: nothing is read before the response is consumed. */
  chunks: AsyncIterable<string>;
}

/** The trial rows (docs/data-format.md), CSV or JSON, streamed page by page. */
export async function trialDownload(db: Db, user: CurrentUser, id: string, format: "csv" | "json"): Promise<Download> {
  const study = await getResultsStudy(db, user, id);
  const rows = exportTrialRows(db, study.id, { asOf: new Date() });
  return format === "csv"
    ? { filename: exportFileName(study.id, "trials.csv"), contentType: "text/csv; charset=utf-8", chunks: csvChunks(rows) }
    : { filename: exportFileName(study.id, "trials.json"), contentType: "application/json; charset=utf-8", chunks: jsonChunks(rows) };
}

export const EVALUATOR_COLUMNS = [
  "arm",
  "evaluator",
  "protocol",
  "status",
  "threshold_ms",
  "block_modes_ms",
  "percent_wrong",
  "accuracy",
  "answered",
  "scored",
  "frame_miss",
  "blur",
  "hidden",
  "replaced",
  "other_flags",
  "qualification",
  "prolific_pid",
  "prolific_study_id",
  "prolific_session_id",
  "excluded",
] as const;

function num(value: number | null): string {
  return value === null || !Number.isFinite(value) ? "" : String(value);
}

async function* evaluatorCsv(rows: readonly EvaluatorRow[]): AsyncGenerator<string> {
  yield csvRecord(EVALUATOR_COLUMNS);
  for (const r of rows) {
    yield csvRecord([
      r.arm,
      r.evaluator,
      r.protocol,
      r.status,
      num(r.thresholdMs),
      r.blockModesMs?.join(";") ?? "",
      num(r.percentWrong),
      num(r.accuracy),
      String(r.answered),
      String(r.scored),
      String(r.flags.frame_miss),
      String(r.flags.blur),
      String(r.flags.hidden),
      String(r.flags.replaced),
      String(r.flags.other),
      r.qualification ?? "",
      r.prolific?.pid ?? "",
      r.prolific?.studyId ?? "",
      r.prolific?.sessionId ?? "",
      r.excluded.join(";"),
    ]);
  }
}

/** The evaluator table of the results page as CSV (one row per evaluation session). */
export async function evaluatorDownload(db: Db, user: CurrentUser, id: string): Promise<Download> {
  const results = await studyResults(db, user, id, { maxStaircases: 0 });
  return { filename: exportFileName(results.study.id, "evaluators.csv"), contentType: "text/csv; charset=utf-8", chunks: evaluatorCsv(results.evaluators) };
}
