import { describe, expect, it } from "vitest";
import { correlateArms, type ScoredArm } from "@/lib/metrics/correlations";
import { featureConfigs, latestRunPerArm, type StudyRun } from "@/lib/metrics/feature-configs";
import type { MetricSettings } from "@/lib/metrics/service-schema";
import { spearman } from "@/lib/metrics/spearman";

const M1 = "1".repeat(64);
const M2 = "2".repeat(64);

function run(studyId: string, armId: string, modelHash: string, resize: MetricSettings["resize"] = "tf1-bilinear", tag = ""): StudyRun & { tag: string } {
  const settings: MetricSettings = { resize, batchSize: 8, maxImages: 100, featureCap: 100, backend: "wasm", imagesDigest: "0".repeat(64) };
  return { studyId, armId, modelHash, settings, tag };
}

function arm(values: Partial<ScoredArm>): ScoredArm {
  return { hypeTime: null, hypeInf: null, fid: null, isMean: null, kidMean: null, precision: null, recall: null, ...values };
}

describe("correlateArms", () => {
  it("gives one cell per (human score, metric) on the arms that have both", () => {
    const rows = [arm({ hypeInf: 10, fid: 50, hypeTime: 300 }), arm({ hypeInf: 20, fid: 40 }), arm({ hypeInf: 30, fid: 45, precision: 0.5 }), arm({ hypeInf: 25, fid: 10 })];
    const cells = correlateArms(rows);
    expect(cells).toHaveLength(10);
    const fid = cells.find((c) => c.human === "hypeInf" && c.automatic === "fid")!;
    const expected = spearman([10, 20, 30, 25], [50, 40, 45, 10]);
    expect(fid).toEqual({ human: "hypeInf", automatic: "fid", n: 4, rho: expected.rho, p: expected.p });
    expect(cells.find((c) => c.human === "hypeInf" && c.automatic === "precision")).toEqual({ human: "hypeInf", automatic: "precision", n: 1, rho: null, p: null });
    expect(cells.find((c) => c.human === "hypeTime" && c.automatic === "fid")).toMatchObject({ n: 1, rho: null });
  });

  it("reports no ρ for a constant side", () => {
    const cells = correlateArms([arm({ hypeInf: 1, fid: 5 }), arm({ hypeInf: 2, fid: 5 }), arm({ hypeInf: 3, fid: 5 })]);
    expect(cells.find((c) => c.human === "hypeInf" && c.automatic === "fid")).toEqual({ human: "hypeInf", automatic: "fid", n: 3, rho: null, p: null });
  });
});

describe("feature configurations across studies", () => {
  // Newest first, as the service lists them.
  const runs = [
    run("s2", "c", M2, "tf1-bilinear", "newest"),
    run("s1", "a", M1, "tf1-bilinear", "a-new"),
    run("s1", "a", M1, "tf1-bilinear", "a-old"),
    run("s1", "b", M1, "pil-bicubic", "b-bicubic"),
    run("s1", "b", M1, "tf1-bilinear", "b"),
    run("s2", "c", M1, "tf1-bilinear", "c"),
  ];

  it("counts distinct arms and studies per model and resize, most arms first", () => {
    expect(featureConfigs(runs)).toEqual([
      { modelHash: M1, resize: "tf1-bilinear", arms: 3, studies: 2 },
      { modelHash: M2, resize: "tf1-bilinear", arms: 1, studies: 1 },
      { modelHash: M1, resize: "pil-bicubic", arms: 1, studies: 1 },
    ]);
    expect(featureConfigs([])).toEqual([]);
  });

  it("keeps each arm's newest run under one configuration only", () => {
    const chosen = latestRunPerArm(runs, { modelHash: M1, resize: "tf1-bilinear" });
    expect([...chosen.entries()].map(([key, r]) => [key, r.tag])).toEqual([
      ["s1/a", "a-new"],
      ["s1/b", "b"],
      ["s2/c", "c"],
    ]);
    expect([...latestRunPerArm(runs, { modelHash: M2, resize: "pil-bicubic" }).keys()]).toEqual([]);
  });

  it("keeps the same arm name in two studies apart", () => {
    const chosen = latestRunPerArm([run("s1", "x", M1), run("s2", "x", M1)], { modelHash: M1, resize: "tf1-bilinear" });
    expect([...chosen.keys()]).toEqual(["s1/x", "s2/x"]);
  });
});
