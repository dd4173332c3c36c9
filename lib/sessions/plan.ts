import { z } from "zod";
import { buildSchedule, type BlockSpec, type Protocol as HypeProtocol } from "@/lib/hype";
import type { StudyConfig } from "@/lib/studies/config";

/** One planned trial. Stored server-side in EvaluationSession.plan; never sent to the browser. */
const plannedTrialSchema = z.object({
  imageId: z.string(),
  label: z.enum(["real", "generated"]),
  block: z.number().int().min(0),
  protocol: z.enum(["hype_time", "hype_inf", "qualification"]),
});
const blocksSchema = z.array(z.object({ protocol: z.enum(["hype_time", "hype_inf", "qualification"]), size: z.number().int(), start: z.number().int() }));
const planSchema = z.object({ blocks: blocksSchema, trials: z.array(plannedTrialSchema) });
export type PlannedTrial = z.infer<typeof plannedTrialSchema>;
export type SessionPlan = z.infer<typeof planSchema>;

export function parsePlan(value: unknown): SessionPlan {
  return planSchema.parse(value);
}

/**
 * What one request of the trial loop needs of a plan, read from the database as slices (the
 * whole plan of a 3 × 150 session is ≈ 42 kB of JSON: reading and validating it on every request
 * was most of a request's cost): the blocks, the number of trials, and one planned trial.
 */
export type PlanSlice = { blocks: SessionPlan["blocks"]; total: number; planned: PlannedTrial | null };

export function parsePlanSlice(value: { blocks: unknown; total: unknown; planned: unknown }): PlanSlice {
  return {
    blocks: blocksSchema.parse(value.blocks),
    total: z.number().int().min(0).parse(value.total),
    planned: value.planned === null || value.planned === undefined ? null : parsePlannedTrial(value.planned),
  };
}

export function parsePlannedTrial(value: unknown): PlannedTrial {
  return plannedTrialSchema.parse(value);
}

/** The blocks one evaluator does: qualification first when required, then the protocol's blocks. */
export function blocksFor(protocol: "hype_time" | "hype_inf", config: StudyConfig, withQualification: boolean): BlockSpec[] {
  const main: BlockSpec[] =
    protocol === "hype_time"
      ? Array.from({ length: config.hypeTime.blocks }, () => ({ protocol: "hype_time" as HypeProtocol, size: config.hypeTime.trialsPerBlock }))
      : [{ protocol: "hype_inf", size: config.hypeInfinity.trials }];
  return withQualification ? [{ protocol: "qualification", size: config.qualification.trials }, ...main] : main;
}

/** Fixes every trial of a session from its seed (lib/hype: balanced, shuffled, no image twice). */
export function planSession(request: {
  seed: number;
  armId: string;
  blocks: BlockSpec[];
  realPool: string[];
  generatedPools: Record<string, string[]>;
}): SessionPlan {
  const schedule = buildSchedule({
    seed: request.seed,
    arm: request.armId,
    blocks: request.blocks,
    realPool: request.realPool,
    generatedPools: request.generatedPools,
  });
  let start = 0;
  const blocks = schedule.blocks.map((block) => {
    const entry = { protocol: block.protocol, size: block.trials.length, start };
    start += block.trials.length;
    return entry;
  });
  const trials = schedule.blocks.flatMap((block) =>
    block.trials.map((trial) => ({ imageId: trial.imageId, label: trial.label, block: trial.block, protocol: trial.protocol })),
  );
  return { blocks, trials };
}
