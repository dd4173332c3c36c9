import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";

describe("the annotator API's budgets in the env module", () => {
  it("default to 60 answers, 120 trials and 600 stimuli per participant and minute", () => {
    const env = parseEnv({});
    expect([env.PERCEPT_ANSWERS_PER_MINUTE, env.PERCEPT_TRIALS_PER_MINUTE, env.PERCEPT_STIMULI_PER_MINUTE]).toEqual([60, 120, 600]);
  });

  it("take 0 to switch a budget off (load benchmarks), and refuse what is not a whole number ≥ 0", () => {
    expect(parseEnv({ PERCEPT_ANSWERS_PER_MINUTE: "0" }).PERCEPT_ANSWERS_PER_MINUTE).toBe(0);
    expect(() => parseEnv({ PERCEPT_STIMULI_PER_MINUTE: "-1" })).toThrow(EnvError);
    expect(() => parseEnv({ PERCEPT_TRIALS_PER_MINUTE: "lots" })).toThrow(/PERCEPT_TRIALS_PER_MINUTE/);
  });
});
