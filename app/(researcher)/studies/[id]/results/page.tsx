import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { AccuracyCurve, type CurvePlot } from "@/components/results/accuracy-curve";
import { Downloads } from "@/components/results/downloads";
import { EvaluatorTable } from "@/components/results/evaluator-table";
import { ExclusionRules } from "@/components/results/exclusion-rules";
import { plotValue, seriesColor } from "@/components/results/format";
import { ReproducibilityNote } from "@/components/results/reproducibility-note";
import { ResultsSkeleton } from "@/components/results/results-skeleton";
import { ScoreCards } from "@/components/results/score-cards";
import { ScoreChart, type ScoreBar } from "@/components/results/score-chart";
import { SeparabilityTable } from "@/components/results/separability-table";
import { StaircaseChart, type StaircasePlot } from "@/components/results/staircase-chart";
import { StatusBadge } from "@/components/studies/status-badge";
import { Card } from "@/components/ui/card";
import { ApiError } from "@/lib/api/errors";
import { requirePageUser, RESEARCHER_ROLES, type CurrentUser } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import type { BootstrapEstimate } from "@/lib/hype";
import { EXPOSURE_BIN_MS } from "@/lib/studies/results-aggregate";
import { exportFileName, getResultsStudy, studyResults, type StudyResults } from "@/lib/studies/results";

export const metadata: Metadata = { title: "Results" };

async function notFoundOn404<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof ApiError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}

function bar(arm: string, color: string, estimate: BootstrapEstimate | null | undefined): ScoreBar[] {
  const score = plotValue(estimate?.score);
  const lower = plotValue(estimate?.ci[0]);
  const upper = plotValue(estimate?.ci[1]);
  if (score === null || lower === null || upper === null) return [];
  return [{ arm, score, lower, upper, error: [score - lower, upper - score], color }];
}

function EmptyState({ results }: { results: StudyResults }) {
  const started = results.arms.reduce((sum, a) => sum + a.started, 0);
  return (
    <Card>
      <div className="py-10 text-center" data-testid="results-empty">
        <p className="font-medium">No answers yet — share the annotator link</p>
        <p className="mt-1 text-sm text-zinc-600">
          Scores, plots and tables appear here as soon as evaluators answer.
          {started > 0 ? ` ${started} session${started === 1 ? " has" : "s have"} started.` : ""}
        </p>
        <code className="mt-4 inline-block rounded-md bg-zinc-100 px-3 py-2 font-mono text-sm">/s/{results.study.linkCode}</code>
      </div>
    </Card>
  );
}

async function ResultsBody({ user, id }: { user: CurrentUser; id: string }) {
  const results = await notFoundOn404(() => studyResults(getDb(), user, id));
  if (results.empty) return <EmptyState results={results} />;

  const colorOf = new Map(results.arms.map((a, i) => [a.arm, seriesColor(i)]));
  const color = (arm: string) => colorOf.get(arm) ?? seriesColor(colorOf.size);
  const scores = results.scores;
  const timeBars = scores.arms.flatMap((a) => bar(a.arm, color(a.arm), a.hypeTime));
  const infBars = scores.arms.flatMap((a) => bar(a.arm, color(a.arm), a.hypeInf));
  const thresholds = new Map(results.evaluators.map((e) => [e.evaluator, e]));
  const staircases: StaircasePlot[] = results.staircases.map((s) => ({
    ...s,
    color: color(s.arm),
    thresholdMs: plotValue(thresholds.get(s.evaluator)?.thresholdMs),
    blockModesMs: thresholds.get(s.evaluator)?.blockModesMs ?? null,
  }));
  const curves: CurvePlot[] = results.curves.map((c) => ({
    arm: c.arm,
    color: color(c.arm),
    bins: c.bins.map((b) => ({ centerMs: b.centerMs, fromMs: b.fromMs, toMs: b.toMs, accuracy: b.accuracy, trials: b.trials, lower: plotValue(b.ci[0]), upper: plotValue(b.ci[1]) })),
  }));

  return (
    <div className="space-y-6">
      <ScoreCards arms={results.arms} scores={scores.arms} confidence={scores.confidence} />
      <Card title="Exclusion rules">
        <ExclusionRules studyId={results.study.id} rules={results.exclusions} arms={scores.arms.map((a) => a.arm)} />
      </Card>
      {timeBars.length + infBars.length > 0 ? (
        <Card title="Scores with 95% bootstrap intervals">
          <div className="grid gap-6 md:grid-cols-2">
            {timeBars.length > 0 ? <ScoreChart title="HYPE_time (ms, higher = more realistic)" unit=" ms" bars={timeBars} /> : null}
            {infBars.length > 0 ? <ScoreChart title="HYPE_∞ (% errors, 50% = chance)" unit="%" bars={infBars} domainMax={100} /> : null}
          </div>
        </Card>
      ) : null}
      <Card title="Separability">
        <SeparabilityTable hypeTime={scores.separability.hypeTime} hypeInf={scores.separability.hypeInf} />
      </Card>
      {staircases.length > 0 || curves.length > 0 ? (
        <div className="grid gap-6 lg:grid-cols-2">
          <Card title="Staircases">
            <StaircaseChart series={staircases} total={results.staircaseTotal} />
          </Card>
          <Card title="Accuracy against exposure">
            <AccuracyCurve curves={curves} target={results.targetAccuracy} binWidthMs={EXPOSURE_BIN_MS} />
          </Card>
        </div>
      ) : null}
      <Card title={`Evaluators (${results.evaluators.length})`}>
        <EvaluatorTable rows={results.evaluators} />
      </Card>
      <Card title="Reproduce these numbers">
        <ReproducibilityNote {...results.scoring} asOf={results.asOf} />
      </Card>
    </div>
  );
}

export default async function ResultsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser(RESEARCHER_ROLES, `/studies/${id}/results`);
  const study = await notFoundOn404(() => getResultsStudy(getDb(), user, id));
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <Link href={`/studies/${study.id}`} className="text-sm text-indigo-700 hover:underline">
            ← {study.name}
          </Link>
          <div className="mt-1 flex items-center gap-3">
            <h1 className="text-2xl font-semibold tracking-tight">Results</h1>
            <StatusBadge status={study.status} />
            {study.isDemo ? <span className="rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-medium text-indigo-700">demo — do not cite</span> : null}
          </div>
        </div>
        <Downloads studyId={study.id} prefix={exportFileName(study.id, "")} />
      </div>
      <Suspense fallback={<ResultsSkeleton />}>
        <ResultsBody user={user} id={study.id} />
      </Suspense>
    </div>
  );
}
