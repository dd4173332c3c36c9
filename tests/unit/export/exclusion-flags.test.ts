import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EXCLUSION_SWITCH, ExclusionFlagError, exclusionFlags, exclusionRulesFromOptions } from "@/lib/export/exclusion-flags";
import { NO_EXCLUSIONS, type ExclusionRules } from "@/lib/hype";

/** What the CLI's option parser makes of a list of flags. */
function parse(flags: string[]): ExclusionRules {
  const values = new Map<string, string>();
  let switched = false;
  for (let i = 0; i < flags.length; i++) {
    if (flags[i] === `--${EXCLUSION_SWITCH}`) switched = true;
    else values.set(flags[i]!.slice(2), flags[++i]!);
  }
  return exclusionRulesFromOptions(values, switched);
}

describe("exclusion rules as score CLI flags", () => {
  it("writes every active rule and nothing for the rules that are off", () => {
    expect(exclusionFlags(NO_EXCLUSIONS)).toEqual([]);
    expect(exclusionFlags({ failedQualification: true, maxFlaggedTimedPercent: 20, minMedianResponseMs: 200, fastAnswers: { belowMs: 150, maxPercent: 25 } })).toEqual([
      "--exclude-failed-qualification",
      "--max-flagged-timed-percent",
      "20",
      "--min-median-response-ms",
      "200",
      "--fast-answer-ms",
      "150",
      "--max-fast-answer-percent",
      "25",
    ]);
  });

  it("reads back exactly the rules it wrote, for any rules", () => {
    const percent = fc.double({ min: 0, max: 100, noNaN: true });
    const ms = fc.double({ min: 0, max: 60_000, noNaN: true });
    fc.assert(
      fc.property(
        fc.record({
          failedQualification: fc.boolean(),
          maxFlaggedTimedPercent: fc.option(percent, { nil: null }),
          minMedianResponseMs: fc.option(ms, { nil: null }),
          fastAnswers: fc.option(fc.record({ belowMs: ms, maxPercent: percent }), { nil: null }),
        }),
        (rules) => {
          expect(parse(exclusionFlags(rules))).toEqual(rules);
        },
      ),
      { seed: 4, numRuns: 300 },
    );
  });

  it("without flags excludes nobody", () => {
    expect(parse([])).toEqual(NO_EXCLUSIONS);
  });

  it("refuses numbers out of range, non-numbers, and half of the fast-answer rule", () => {
    expect(() => parse(["--max-flagged-timed-percent", "120"])).toThrow(ExclusionFlagError);
    expect(() => parse(["--min-median-response-ms", "fast"])).toThrow(/--min-median-response-ms must be a number/);
    expect(() => parse(["--min-median-response-ms", "-1"])).toThrow(ExclusionFlagError);
    expect(() => parse(["--fast-answer-ms", "150"])).toThrow(/go together/);
  });
});
