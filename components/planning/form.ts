/**
 * The planning form's values (strings, as typed) → a PlanRequest, with errors keyed by field.
 * Rates are entered in percent and converted to shares; the science core validates the rest
 * (lib/hype/planning.ts validatePlanRequest) and its issues are mapped back onto the fields.
 */
import { PLANNING_DEFAULTS, validatePlanRequest, type PlanRequest } from "@/lib/hype/planning";
import type { StaircaseParams } from "@/lib/hype/staircase-params";

export type PlanningProtocolChoice = "hype_time" | "hype_inf";

export interface PlanningFormValues {
  protocol: PlanningProtocolChoice;
  thresholdMeanMs: string;
  thresholdSdMs: string;
  slopePerMs: string;
  lapsePercent: string;
  errorMeanPercent: string;
  errorSdPercent: string;
  blocks: string;
  trialsPerBlock: string;
  infTrials: string;
  evaluatorCounts: string;
  replicates: string;
  resamples: string;
  seed: string;
}

export type PlanningField = Exclude<keyof PlanningFormValues, "protocol">;
/** Errors by field; "form" for problems that belong to no field (e.g. the study's staircase). */
export type FieldErrors = Partial<Record<PlanningField | "form", string>>;

/** What the page knows about the study's design. */
export interface StudyDesign {
  blocks: number;
  trialsPerBlock: number;
  staircase: StaircaseParams;
  infTrials: number;
}

/**
 * Defaults. HYPE_time: mean 360 ms and SD 200 ms between evaluators reproduce the paper's
 * FFHQ StyleGAN-truncated interval (363 ms, 95% CI 300–424: ≈ 124 ms wide with 30 evaluators)
 * under this model; slope 0.02/ms and 2% lapses are typical of the simulated observers in
 * docs/hype.md. HYPE_∞: 30% ± 10 points gives widths like the paper's CelebA-64 runs.
 */
export function defaultValues(design: StudyDesign, protocol: PlanningProtocolChoice): PlanningFormValues {
  return {
    protocol,
    thresholdMeanMs: "360",
    thresholdSdMs: "200",
    slopePerMs: "0.02",
    lapsePercent: "2",
    errorMeanPercent: "30",
    errorSdPercent: "10",
    blocks: String(design.blocks),
    trialsPerBlock: String(design.trialsPerBlock),
    infTrials: String(design.infTrials),
    evaluatorCounts: PLANNING_DEFAULTS.evaluatorCounts.join(", "),
    replicates: String(PLANNING_DEFAULTS.replicates),
    resamples: String(PLANNING_DEFAULTS.resamples),
    seed: "1",
  };
}

const PATH_TO_FIELD: Record<string, PlanningField | "form"> = {
  "population.thresholdMeanMs": "thresholdMeanMs",
  "population.thresholdSdMs": "thresholdSdMs",
  "population.slopePerMs": "slopePerMs",
  "population.lapseRate": "lapsePercent",
  "population.errorRateMean": "errorMeanPercent",
  "population.errorRateSd": "errorSdPercent",
  "design.blocks": "blocks",
  "design.trialsPerBlock": "trialsPerBlock",
  "design.staircase": "form",
  "design.trials": "infTrials",
  evaluatorCounts: "evaluatorCounts",
  replicates: "replicates",
  resamples: "resamples",
  seed: "seed",
};

/** The core speaks in shares (0–1); these fields are typed in percent. */
const PERCENT_MESSAGES: Partial<Record<PlanningField, string>> = {
  lapsePercent: "a percentage from 0 to below 50",
  errorMeanPercent: "a percentage from 0 to 100",
  errorSdPercent: "0 points or more",
};

function number(text: string): number {
  const trimmed = text.trim().replace(",", ".");
  return trimmed === "" ? Number.NaN : Number(trimmed);
}

/** Parses and validates; returns the request, or the errors to show next to each field. */
export function toPlanRequest(
  values: PlanningFormValues,
  design: StudyDesign,
): { request: PlanRequest; errors: null } | { request: null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const relevant: PlanningField[] =
    values.protocol === "hype_time"
      ? ["thresholdMeanMs", "thresholdSdMs", "slopePerMs", "lapsePercent", "blocks", "trialsPerBlock"]
      : ["errorMeanPercent", "errorSdPercent", "infTrials"];
  for (const field of [...relevant, "replicates", "resamples", "seed"] as PlanningField[]) {
    if (values[field].trim() === "") errors[field] = "Enter a number.";
    else if (!Number.isFinite(number(values[field]))) errors[field] = "Not a number.";
  }
  const counts = values.evaluatorCounts
    .split(/[\s,;]+/)
    .filter((part) => part !== "")
    .map(Number);
  if (counts.length === 0) errors.evaluatorCounts = "Enter at least one number of evaluators, e.g. 5, 10, 20, 40.";
  else if (counts.some((n) => !Number.isFinite(n))) errors.evaluatorCounts = "Only numbers, separated by commas.";

  const common = {
    evaluatorCounts: counts,
    replicates: number(values.replicates),
    resamples: number(values.resamples),
    seed: number(values.seed),
  };
  const request: PlanRequest =
    values.protocol === "hype_time"
      ? {
          ...common,
          protocol: "hype_time",
          population: {
            thresholdMeanMs: number(values.thresholdMeanMs),
            thresholdSdMs: number(values.thresholdSdMs),
            slopePerMs: number(values.slopePerMs),
            lapseRate: number(values.lapsePercent) / 100,
          },
          design: { blocks: number(values.blocks), trialsPerBlock: number(values.trialsPerBlock), staircase: design.staircase },
        }
      : {
          ...common,
          protocol: "hype_inf",
          population: { errorRateMean: number(values.errorMeanPercent) / 100, errorRateSd: number(values.errorSdPercent) / 100 },
          design: { trials: number(values.infTrials) },
        };
  for (const issue of validatePlanRequest(request)) {
    const field = PATH_TO_FIELD[issue.path] ?? "form";
    if (errors[field]) continue;
    const generic = issue.message.startsWith("a share") || issue.message.startsWith("an SD of 0");
    const percent = field === "form" ? undefined : PERCENT_MESSAGES[field];
    const message = field === "form" ? `The study's ${issue.path.replace("design.", "")}: ${issue.message}` : generic && percent ? percent : issue.message;
    errors[field] = message.charAt(0).toUpperCase() + message.slice(1) + (/[.)]$/.test(message) ? "" : ".");
  }
  return Object.keys(errors).length > 0 ? { request: null, errors } : { request, errors: null };
}
