/**
 * The exclusion rules as `npm run score` options, both ways: the results page prints the flags of
 * its study's rules (`scoreCommand`), the CLI reads them back, so the two apply the same rules.
 * Without any of these flags the CLI excludes nobody: a file is scored as it is unless the
 * command says otherwise. Pure.
 */
import { NO_EXCLUSIONS, type ExclusionRules } from "@/lib/hype";

export const EXCLUSION_SWITCH = "exclude-failed-qualification";
export const EXCLUSION_OPTIONS = ["max-flagged-timed-percent", "min-median-response-ms", "fast-answer-ms", "max-fast-answer-percent"] as const;
export type ExclusionOption = (typeof EXCLUSION_OPTIONS)[number];

export const EXCLUSION_USAGE =
  "[--exclude-failed-qualification] [--max-flagged-timed-percent P] [--min-median-response-ms MS] [--fast-answer-ms MS --max-fast-answer-percent P]";

export class ExclusionFlagError extends Error {
  override readonly name = "ExclusionFlagError";
}

/** The options that apply `rules`, in a fixed order (numbers in their shortest round-trip form). */
export function exclusionFlags(rules: ExclusionRules): string[] {
  const flags: string[] = [];
  if (rules.failedQualification) flags.push(`--${EXCLUSION_SWITCH}`);
  if (rules.maxFlaggedTimedPercent !== null) flags.push("--max-flagged-timed-percent", String(rules.maxFlaggedTimedPercent));
  if (rules.minMedianResponseMs !== null) flags.push("--min-median-response-ms", String(rules.minMedianResponseMs));
  if (rules.fastAnswers !== null) flags.push("--fast-answer-ms", String(rules.fastAnswers.belowMs), "--max-fast-answer-percent", String(rules.fastAnswers.maxPercent));
  return flags;
}

function number(values: ReadonlyMap<string, string>, name: ExclusionOption, max: number): number | null {
  const raw = values.get(name);
  if (raw === undefined) return null;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value < 0 || value > max) throw new ExclusionFlagError(`--${name} must be a number from 0 to ${max}, got ${raw}`);
  return value;
}

/** Rules from parsed options (`values` by name without "--"; `switched`: whether the switch was given). */
export function exclusionRulesFromOptions(values: ReadonlyMap<string, string>, switched: boolean): ExclusionRules {
  const belowMs = number(values, "fast-answer-ms", 60_000);
  const maxPercent = number(values, "max-fast-answer-percent", 100);
  if ((belowMs === null) !== (maxPercent === null)) throw new ExclusionFlagError("--fast-answer-ms and --max-fast-answer-percent go together");
  return {
    ...NO_EXCLUSIONS,
    failedQualification: switched,
    maxFlaggedTimedPercent: number(values, "max-flagged-timed-percent", 100),
    minMedianResponseMs: number(values, "min-median-response-ms", 60_000),
    fastAnswers: belowMs === null || maxPercent === null ? null : { belowMs, maxPercent },
  };
}
