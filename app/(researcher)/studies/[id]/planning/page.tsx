import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PlanningTool } from "@/components/planning/planning-tool";
import type { PlanningProtocolChoice } from "@/components/planning/form";
import { Card } from "@/components/ui/card";
import { ApiError } from "@/lib/api/errors";
import { requirePageUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { convergencePoint, stepRuleOf, type StaircaseParams } from "@/lib/hype";
import { parseStudyConfig, staircaseParamsOf } from "@/lib/studies/config";
import { getStudy } from "@/lib/studies/service";

export const metadata: Metadata = { title: "Plan evaluators" };

async function loadStudy(id: string) {
  const user = await requirePageUser(RESEARCHER_ROLES, `/studies/${id}/planning`);
  try {
    return await getStudy(getDb(), user, id);
  } catch (error) {
    if (error instanceof ApiError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}

function describeStaircase(params: StaircaseParams, accuracy: number): string {
  const at = `converges at ${(accuracy * 100).toFixed(1)}% correct`;
  const runs = params.nDown === 1 && params.nUp === 1 ? "" : `, ${params.nDown} correct in a row to step down, ${params.nUp} errors to step up`;
  if (params.unit === "ms") {
    return `start ${params.startMs} ms, range ${params.minMs}–${params.maxMs} ms, +${params.stepUpMs} ms after an error, −${params.stepDownMs} ms after a correct answer${runs}; ${at}`;
  }
  return `frame-locked at ${params.refreshHz} Hz: start ${params.startFrames} frames, range ${params.minFrames}–${params.maxFrames}, +${params.stepUpFrames}/−${params.stepDownFrames} frames${runs}; ${at}`;
}

/** Planning: CI width against evaluators per arm from simulated observers, before launch. */
export default async function PlanningPage({ params }: { params: Promise<{ id: string }> }) {
  const study = await loadStudy((await params).id);
  const config = parseStudyConfig(study.config);
  const staircase = staircaseParamsOf(config);
  const accuracy = convergencePoint(stepRuleOf(staircase));
  const protocols: PlanningProtocolChoice[] = [];
  if (study.protocols.includes("HYPE_TIME")) protocols.push("hype_time");
  if (study.protocols.includes("HYPE_INFINITY")) protocols.push("hype_inf");
  return (
    <div className="space-y-6">
      <div>
        <Link className="text-sm font-medium text-indigo-600 hover:underline" href={`/studies/${study.id}`}>
          ← {study.name}
        </Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">Plan evaluators</h1>
        <p className="mt-2 max-w-3xl text-sm text-zinc-600">
          How many evaluators per arm does this study need? From what you expect of the evaluators, simulated studies show how wide the
          95% confidence interval of the HYPE score will be for each number of evaluators (the paper&apos;s Fig. 4, for your design).
          Choose a target width, then set each arm&apos;s target evaluators on the study page.
        </p>
      </div>
      <Card title="This is a simulation" className="bg-zinc-50">
        <div id="planning-about" className="space-y-2 text-sm text-zinc-700">
          <p>The curve is only as good as its assumptions. It does not use any data from this study.</p>
          <ul className="list-disc space-y-1 pl-5">
            <li>
              <strong>HYPE_time:</strong> every evaluator has a logistic psychometric function (chance 50%, the slope and lapse rate you
              give) with a threshold drawn from a normal distribution. They run the study&apos;s staircase for each block; their score is the
              mode of the exposures shown in each block, averaged over blocks, exactly as the results page computes it.
            </li>
            <li>
              <strong>HYPE_∞:</strong> every evaluator has their own error rate, drawn from a Beta distribution with the mean and SD you
              give, and answers each image independently.
            </li>
            <li>
              Evaluators are independent and all finish. Not modelled: learning or fatigue across blocks, differences between images,
              dropped or re-run trials, qualification failures, display timing.
            </li>
            <li>
              The CI is the same percentile bootstrap over evaluators as on the results page, with fewer resamples (1,000 by default
              instead of 10,000) to keep the simulation fast; that changes the width by a few percent at most and averages out over
              the simulated studies.
            </li>
          </ul>
          <p>More on the model: docs/planning.md.</p>
        </div>
      </Card>
      <PlanningTool
        design={{
          blocks: config.hypeTime.blocks,
          trialsPerBlock: config.hypeTime.trialsPerBlock,
          staircase,
          infTrials: config.hypeInfinity.trials,
        }}
        protocols={protocols}
        staircaseSummary={describeStaircase(staircase, accuracy)}
        targetAccuracy={accuracy}
        armTargets={study.arms.map((arm) => ({ name: arm.name, targetEvaluators: arm.targetEvaluators }))}
      />
    </div>
  );
}
