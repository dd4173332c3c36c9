import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  blockSplit,
  buildSchedule,
  HYPE_INF_BLOCKS,
  HYPE_TIME_BLOCKS,
  QUALIFICATION_BLOCKS,
  ScheduleError,
  type BlockSpec,
  type Schedule,
  type ScheduleRequest,
} from "@/lib/hype";

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

const pools = {
  realPool: ids("real", 800),
  generatedPools: { stylegan: ids("sg", 500), progan: ids("pg", 500), began: ids("bg", 500) },
};

const paperRequest = (seed: number): ScheduleRequest => ({
  seed,
  arm: "stylegan",
  blocks: [...QUALIFICATION_BLOCKS, ...HYPE_TIME_BLOCKS],
  ...pools,
});

function allTrials(s: Schedule) {
  return s.blocks.flatMap((b) => b.trials);
}

function scheduleError(fn: () => unknown): ScheduleError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScheduleError) return e;
    throw e;
  }
  throw new Error("expected a ScheduleError");
}

describe("buildSchedule (paper defaults)", () => {
  const s = buildSchedule(paperRequest(42));

  it("has a 100-trial qualification then three 150-trial staircase blocks, each exactly balanced", () => {
    expect(s.blocks.map((b) => [b.protocol, b.trials.length])).toEqual([
      ["qualification", 100],
      ["hype_time", 150],
      ["hype_time", 150],
      ["hype_time", 150],
    ]);
    for (const b of s.blocks) {
      const real = b.trials.filter((t) => t.label === "real").length;
      expect(real).toBe(b.trials.length / 2);
      expect(b.trials.map((t) => t.trial)).toEqual([...b.trials.keys()]);
    }
  });
  it("never shows an image twice and draws each label from the right pool", () => {
    const trials = allTrials(s);
    expect(new Set(trials.map((t) => t.imageId)).size).toBe(trials.length);
    for (const t of trials) {
      if (t.label === "real") {
        expect(t.sourceArm).toBeNull();
        expect(t.imageId.startsWith("real-")).toBe(true);
      } else if (t.protocol !== "qualification") {
        expect(t.sourceArm).toBe("stylegan");
        expect(t.imageId.startsWith("sg-")).toBe(true);
      }
    }
  });
  it("draws qualification fakes equally from all arms (50 over 3 arms → 17/17/16)", () => {
    const q = s.blocks[0]!.trials.filter((t) => t.label === "generated");
    const counts = ["began", "progan", "stylegan"].map((a) => q.filter((t) => t.sourceArm === a).length);
    expect(counts.reduce((x, y) => x + y)).toBe(50);
    expect([...counts].sort()).toEqual([16, 17, 17]);
  });
  it("shuffles the order (labels are not grouped)", () => {
    const labels = s.blocks[1]!.trials.map((t) => t.label).join(",");
    expect(labels.startsWith(Array(75).fill("real").join(","))).toBe(false);
    const changes = s.blocks[1]!.trials.filter((t, i, a) => i > 0 && a[i - 1]!.label !== t.label).length;
    expect(changes).toBeGreaterThan(40); // a random order of 75+75 has ~75 changes
  });
  it("is a pure function of the request and seed", () => {
    expect(buildSchedule(paperRequest(42))).toEqual(s);
    expect(allTrials(buildSchedule(paperRequest(43))).map((t) => t.imageId)).not.toEqual(allTrials(s).map((t) => t.imageId));
    const reordered = { ...paperRequest(42), generatedPools: { began: pools.generatedPools.began, stylegan: pools.generatedPools.stylegan, progan: pools.generatedPools.progan } };
    expect(buildSchedule(reordered)).toEqual(s);
  });
});

describe("odd block sizes", () => {
  it("gives the extra trial to generated in even blocks and to real in odd blocks", () => {
    expect(blockSplit(5, 0)).toEqual({ real: 2, generated: 3 });
    expect(blockSplit(5, 1)).toEqual({ real: 3, generated: 2 });
    expect(blockSplit(6, 1)).toEqual({ real: 3, generated: 3 });
    const s = buildSchedule({ seed: 1, arm: "stylegan", blocks: [{ protocol: "hype_time", size: 151 }, { protocol: "hype_time", size: 151 }], ...pools });
    expect(s.blocks.map((b) => [b.realCount, b.generatedCount])).toEqual([[75, 76], [76, 75]]);
  });
  it("continues the qualification round-robin across blocks so arms stay even overall", () => {
    const s = buildSchedule({ seed: 3, blocks: [{ protocol: "qualification", size: 4 }, { protocol: "qualification", size: 4 }, { protocol: "qualification", size: 2 }], ...pools });
    // 2 + 2 + 1 = 5 fakes → no arm gets more than one more than another.
    const counts = ["began", "progan", "stylegan"].map((a) => allTrials(s).filter((t) => t.sourceArm === a).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(counts.reduce((x, y) => x + y)).toBe(5);
    expect(s.arm).toBeNull();
  });
});

describe("schedule errors", () => {
  it("reports a too-small pool with its name and the numbers", () => {
    const e = scheduleError(() => buildSchedule({ ...paperRequest(1), realPool: ids("real", 274) }));
    expect(e.code).toBe("POOL_TOO_SMALL");
    expect(e.details).toEqual({ pool: "real", needed: 275, available: 274 });
    const g = scheduleError(() =>
      buildSchedule({ ...paperRequest(1), generatedPools: { ...pools.generatedPools, stylegan: ids("sg", 240) } }),
    );
    expect(g.code).toBe("POOL_TOO_SMALL");
    expect(g.details).toMatchObject({ pool: "stylegan", available: 240 });
    expect(g.message).toMatch(/stylegan/);
  });
  it("rejects duplicate ids, unknown arms, missing arm, no pools and bad sizes", () => {
    expect(scheduleError(() => buildSchedule({ ...paperRequest(1), realPool: [...pools.realPool, "sg-3"] })).code).toBe("DUPLICATE_IMAGE");
    expect(scheduleError(() => buildSchedule({ ...paperRequest(1), arm: "dalle" })).code).toBe("UNKNOWN_ARM");
    expect(scheduleError(() => buildSchedule({ seed: 1, blocks: HYPE_INF_BLOCKS, ...pools })).code).toBe("ARM_REQUIRED");
    expect(scheduleError(() => buildSchedule({ ...paperRequest(1), generatedPools: {} })).code).toBe("NO_GENERATED_POOLS");
    expect(scheduleError(() => buildSchedule({ ...paperRequest(1), blocks: [{ protocol: "hype_inf", size: 0 }] })).code).toBe("INVALID_BLOCKS");
    expect(scheduleError(() => buildSchedule({ ...paperRequest(1), blocks: [] })).code).toBe("INVALID_BLOCKS");
  });
});

describe("schedule properties", () => {
  const blockArb: fc.Arbitrary<BlockSpec> = fc.record({
    protocol: fc.constantFrom("hype_time" as const, "hype_inf" as const, "qualification" as const),
    size: fc.integer({ min: 1, max: 40 }),
  });
  const requestArb = fc.record({
    seed: fc.integer(),
    blocks: fc.array(blockArb, { minLength: 1, maxLength: 5 }),
    arms: fc.integer({ min: 1, max: 4 }),
  });

  it("balances every block, never repeats an image, and only uses the given pools", () => {
    fc.assert(
      fc.property(requestArb, ({ seed, blocks, arms }) => {
        const armIds = Array.from({ length: arms }, (_, i) => `arm${i}`);
        const generatedPools = Object.fromEntries(armIds.map((a) => [a, ids(a, 200)]));
        const s = buildSchedule({ seed, arm: "arm0", blocks, realPool: ids("real", 200), generatedPools });
        const trials = allTrials(s);
        expect(new Set(trials.map((t) => t.imageId)).size).toBe(trials.length);
        s.blocks.forEach((b, i) => {
          const real = b.trials.filter((t) => t.label === "real").length;
          expect(b.trials.length).toBe(blocks[i]!.size);
          expect(Math.abs(real - (b.trials.length - real))).toBeLessThanOrEqual(1);
          expect({ real, generated: b.trials.length - real }).toEqual(blockSplit(b.trials.length, i));
          for (const t of b.trials) {
            if (t.label === "real") expect(t.imageId.startsWith("real-")).toBe(true);
            else expect(t.imageId.startsWith(`${t.sourceArm}-`)).toBe(true);
            if (t.label === "generated" && b.protocol !== "qualification") expect(t.sourceArm).toBe("arm0");
          }
          if (b.protocol === "qualification") {
            const counts = armIds.map((a) => b.trials.filter((t) => t.sourceArm === a).length);
            expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
          }
        });
        expect(buildSchedule({ seed, arm: "arm0", blocks, realPool: ids("real", 200), generatedPools })).toEqual(s);
      }),
      { numRuns: 150 },
    );
  });
});
