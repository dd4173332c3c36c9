/**
 * Agreement with scipy 1.17 (f_oneway, tukey_hsd, ttest_ind) on fixed datasets; reference numbers
 * and the script that produced them are in tests/fixtures/hype/.
 *
 * Tolerances: F, t, df, mean differences to 1e-10 relative (same arithmetic); ANOVA and t-test
 * p-values to 1e-7 relative (jstat's incomplete beta stops at 3e-7 per continued-fraction term;
 * observed ≤ 5e-9); Tukey p-values to 1e-9 absolute (jstat's ptukey port vs scipy's integration;
 * observed ≤ 1e-10, and scipy's exact 0 shows as ~7e-11 here) and Tukey CI bounds to 1e-6 absolute
 * (jstat's qtukey iterates to 1e-4 in q; observed ≤ 3e-8).
 */
import { describe, expect, it } from "vitest";
import { separability, studentTTest, welchTTest } from "@/lib/hype";
import reference from "../../fixtures/hype/scipy-reference.json";

interface Expected {
  anova: { F: number; p: number; dfBetween: number; dfWithin: number };
  tukey: Array<{ a: string; b: string; meanDiff: number; p: number; ci: [number, number] }>;
  student?: { t: number; p: number; df: number };
  welch?: { t: number; p: number; df: number };
}

function expectRelative(actual: number, expected: number, tolerance: number) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(Math.abs(expected), Number.MIN_VALUE));
}

const datasets = reference.datasets as Record<string, Record<string, number[]>>;
const results = reference.results as unknown as Record<string, Expected>;

describe.each(Object.keys(datasets))("scipy agreement on %s", (name) => {
  const groups = Object.entries(datasets[name]!).map(([g, values]) => ({ name: g, values }));
  const expected = results[name]!;
  const actual = separability(groups)!;

  it("one-way ANOVA matches f_oneway", () => {
    expectRelative(actual.anova.F, expected.anova.F, 1e-10);
    expectRelative(actual.anova.p, expected.anova.p, 1e-7);
    expect(actual.anova.dfBetween).toBe(expected.anova.dfBetween);
    expect(actual.anova.dfWithin).toBe(expected.anova.dfWithin);
  });

  it("Tukey HSD matches tukey_hsd", () => {
    expect(actual.tukey.map((c) => [c.a, c.b])).toEqual(expected.tukey.map((c) => [c.a, c.b]));
    actual.tukey.forEach((c, i) => {
      const e = expected.tukey[i]!;
      expectRelative(c.meanDiff, e.meanDiff, 1e-10);
      expect(Math.abs(c.p - e.p)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(c.ci[0] - e.ci[0])).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(c.ci[1] - e.ci[1])).toBeLessThanOrEqual(1e-6);
    });
  });

  if (expected.student && expected.welch) {
    it("two arms: Student and Welch t-tests match ttest_ind", () => {
      const { student, welch } = actual.tTest!;
      for (const [mine, theirs] of [
        [student!, expected.student!],
        [welch!, expected.welch!],
      ] as const) {
        expectRelative(mine.t, theirs.t, 1e-10);
        expectRelative(mine.df, theirs.df, 1e-10);
        expectRelative(mine.p, theirs.p, 1e-7);
      }
      // With two groups, F = t² and Tukey's p equals Student's p.
      expectRelative(actual.anova.F, student!.t ** 2, 1e-10);
      expect(Math.abs(actual.tukey[0]!.p - student!.p)).toBeLessThan(1e-9);
    });
  } else {
    it("reports no t-test for more than two arms", () => {
      expect(actual.tTest).toBeNull();
    });
  }
});

describe("t-tests with small p-values", () => {
  it("match ttest_ind to 1e-7 relative", () => {
    const { stylegan_trunc: a, stylegan_no_trunc: b } = datasets.thresholds_3_arms!;
    const expected = reference.results.thresholds_first_two;
    const student = studentTTest(a!, b!)!;
    const welch = welchTTest(a!, b!)!;
    expectRelative(student.p, expected.student.p, 1e-7);
    expectRelative(welch.p, expected.welch.p, 1e-7);
    expectRelative(welch.df, expected.welch.df, 1e-10);
  });
});

describe("degenerate inputs", () => {
  it("returns null with fewer than two arms or no within-arm degrees of freedom", () => {
    expect(separability([{ name: "a", values: [1, 2, 3] }])).toBeNull();
    expect(separability([{ name: "a", values: [1] }, { name: "b", values: [2] }])).toBeNull();
  });
  it("treats zero within-arm spread as infinitely significant when means differ", () => {
    const r = separability([{ name: "a", values: [1, 1] }, { name: "b", values: [2, 2] }])!;
    expect(r.anova.F).toBe(Number.POSITIVE_INFINITY);
    expect(r.anova.p).toBe(0);
  });
  it("leaves Welch undefined for an arm with a single evaluator", () => {
    const r = separability([{ name: "a", values: [1] }, { name: "b", values: [2, 3, 4] }])!;
    expect(r.tTest?.welch).toBeNull();
    expect(r.tTest?.student?.df).toBe(2);
  });
});
