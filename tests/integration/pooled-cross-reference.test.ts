import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "@/lib/auth/guard";
import { Role, StudyStatus } from "@/lib/db";
import { seedDemo } from "@/lib/demo/seed";
import { pooledCrossReference } from "@/lib/metrics/pooled-cross-reference";
import { createMetricRun, crossReference, listMetricImages } from "@/lib/metrics/service";
import type { ArmMetricResults, CorrelationCell, MetricSettings } from "@/lib/metrics/service-schema";
import { spearman } from "@/lib/metrics/spearman";
import { readObject, putObject } from "@/lib/storage/local";
import { newLinkCode } from "@/lib/studies/service";
import { driveSession, flip } from "../support/drive-session";
import { momentBytes } from "../support/metric-runs";
import { createTestDatabase, createTestUser, targetKinds, type TestDatabase } from "../support/test-db";

const MODEL = "c".repeat(64);
const OTHER_MODEL = "d".repeat(64);

function settings(digest: string): MetricSettings {
  return { resize: "tf1-bilinear", batchSize: 8, maxImages: 1000, featureCap: 1000, backend: "wasm (2 threads)", imagesDigest: digest };
}

function results(fid: number, precision: number): ArmMetricResults {
  return {
    kind: "arm", images: 12, realImages: 12, featureRows: 12, realFeatureRows: 12, seconds: 2, imagesPerSecond: 6,
    fid, isMean: 1 + fid / 100, isStd: 0.1, kidMean: fid / 1000, kidStd: 0.001, kidSubsetSize: 12, precision, recall: 1 - precision, density: 0.9, coverage: 0.7,
  };
}

function cell(correlations: CorrelationCell[], human: CorrelationCell["human"], automatic: CorrelationCell["automatic"]): CorrelationCell {
  return correlations.find((c) => c.human === human && c.automatic === automatic)!;
}

describe.each(targetKinds())("cross-reference pooled over a researcher's studies on %s", (kind) => {
  let test: TestDatabase;
  let owner: CurrentUser;
  let stranger: CurrentUser;
  let admin: CurrentUser;
  let realSet: string;
  let otherRealSet: string;
  /** Two studies on `realSet`, one on `otherRealSet`, all the owner's; one stranger's study on `realSet`. */
  let shared: { id: string; arms: { id: string; name: string; generatedSetId: string }[] }[];
  let separate: { id: string; arms: { id: string; name: string; generatedSetId: string }[] };
  let strangers: { id: string };

  /** A copy of the demo study (same config and generated sets) with its own arms' names. */
  async function copyStudy(demoId: string, ownerId: string, name: string, realImageSetId: string, armNames: [string, string]) {
    const demo = await test.db.study.findUniqueOrThrow({ where: { id: demoId }, include: { arms: { orderBy: { position: "asc" } } } });
    return test.db.study.create({
      data: {
        ownerId, name, linkCode: newLinkCode(), status: StudyStatus.LIVE, launchedAt: new Date(), protocols: demo.protocols, config: demo.config as object,
        seed: demo.seed + 1, realImageSetId,
        arms: { create: demo.arms.map((arm, position) => ({ name: armNames[position]!, position, generatedSetId: arm.generatedSetId, targetEvaluators: 100 })) },
      },
      select: { id: true, linkCode: true, arms: { orderBy: { position: "asc" }, select: { id: true, name: true, generatedSetId: true } } },
    });
  }

  /** Four evaluators answer everything, each wrong on a different share of trials. */
  async function answer(linkCode: string, bias: number) {
    for (let n = 0; n < 4; n++) {
      await driveSession(test.db, { linkCode, choose: (spec, right) => ((spec.index * (n + 2) + bias) % 5 < 1 + ((n + bias) % 3) ? flip(right) : right) });
    }
  }

  async function measure(studyId: string, armId: string, generatedSetId: string, model: string, fid: number, precision: number) {
    const real = (await test.db.study.findUniqueOrThrow({ where: { id: studyId } })).realImageSetId!;
    const user = studyId === strangers?.id ? stranger : owner;
    const digest = (await listMetricImages(test.db, user, studyId, real, 1000)).digest;
    await createMetricRun(test.db, user, studyId, { modelHash: model, imageSetId: generatedSetId, armId, settings: settings(digest), results: results(fid, precision), error: null }, momentBytes(12, fid));
  }

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    const linkCode = (await seedDemo(test.db)).linkCode!;
    const demo = await test.db.study.findUniqueOrThrow({ where: { linkCode }, include: { owner: true, arms: { orderBy: { position: "asc" } } } });
    owner = { id: demo.owner.id, email: demo.owner.email, name: demo.owner.name, role: demo.owner.role };
    stranger = await createTestUser(test.db, "stranger@example.org", Role.RESEARCHER);
    admin = await createTestUser(test.db, "admin@example.org", Role.ADMIN);
    realSet = demo.realImageSetId!;
    await test.db.arm.updateMany({ where: { studyId: demo.id }, data: { targetEvaluators: 100 } });

    // A second real set with the same pictures (its own rows), for a study that shares nothing.
    const other = await test.db.imageSet.create({ data: { ownerId: owner.id, name: "Other real", label: "REAL" } });
    otherRealSet = other.id;
    const images = await test.db.image.findMany({ where: { imageSetId: realSet } });
    for (const image of images) {
      const copyKey = `images/copies/${image.contentHash}.png`;
      await putObject(copyKey, await readObject(image.storageKey));
      const { label, contentHash, width, height, byteSize } = image;
      await test.db.image.create({ data: { imageSetId: other.id, label, contentHash, width, height, byteSize, storageKey: copyKey } });
    }

    const second = await copyStudy(demo.id, owner.id, "Second study", realSet, ["Model C", "Model D"]);
    const third = await copyStudy(demo.id, owner.id, "Other-set study", otherRealSet, ["Model E", "Model F"]);
    const theirs = await copyStudy(demo.id, stranger.id, "Stranger's study", realSet, ["Model X", "Model Y"]);
    shared = [{ id: demo.id, arms: demo.arms }, second];
    separate = third;
    strangers = theirs;

    await answer(linkCode, 0);
    await answer(second.linkCode, 1);

    const fids = [40, 20, 30, 10];
    for (const [s, study] of shared.entries()) {
      for (const [a, arm] of study.arms.entries()) await measure(study.id, arm.id, arm.generatedSetId, MODEL, fids[s * 2 + a]!, 0.2 + 0.2 * (s * 2 + a));
    }
    for (const arm of separate.arms) await measure(separate.id, arm.id, arm.generatedSetId, MODEL, 5, 0.9);
    for (const arm of theirs.arms) await measure(theirs.id, arm.id, arm.generatedSetId, MODEL, 7, 0.9);
    // Another feature model on one arm only, measured last: the default view follows the latest run.
    await measure(second.id, second.arms[0]!.id, second.arms[0]!.generatedSetId, OTHER_MODEL, 99, 0.1);
  }, 900_000);

  afterAll(async () => {
    await test.cleanup();
  });

  it("pools every arm of the owner's studies on the real set, one feature model at a time", async () => {
    const pooled = await pooledCrossReference(test.db, owner, realSet, { modelHash: MODEL });
    expect(pooled.imageSet.id).toBe(realSet);
    expect(pooled.studies.map((study) => study.id)).toEqual(shared.map((study) => study.id));
    expect(pooled.config).toEqual({ modelHash: MODEL, resize: "tf1-bilinear" });
    expect(pooled.rows.map((row) => [row.studyId, row.arm, row.fid])).toEqual([
      [shared[0]!.id, "Model A", 40],
      [shared[0]!.id, "Model B", 20],
      [shared[1]!.id, "Model C", 30],
      [shared[1]!.id, "Model D", 10],
    ]);

    // Each row's human scores are its own study's, as the per-study cross-reference shows them.
    for (const study of shared) {
      const own = await crossReference(test.db, owner, study.id);
      for (const row of pooled.rows.filter((r) => r.studyId === study.id)) {
        const same = own.rows.find((r) => r.armId === row.armId)!;
        expect([row.hypeTime, row.hypeInf]).toEqual([same.hypeTime, same.hypeInf]);
      }
    }
    expect(pooled.rows.every((row) => row.hypeInf !== null && row.hypeTime !== null)).toBe(true);

    // One ρ over all four arms, from the same Spearman as the per-study view.
    const fid = cell(pooled.correlations, "hypeInf", "fid");
    const expected = spearman(pooled.rows.map((row) => row.hypeInf!), pooled.rows.map((row) => row.fid!));
    expect(fid.n).toBe(4);
    expect(fid.rho).toBe(Number.isNaN(expected.rho) ? null : expected.rho);
    expect(fid.p).toBe(expected.p);
    expect(pooled.correlations).toHaveLength(10);
  });

  it("lists the feature models, defaults to the latest run's and never mixes them", async () => {
    const latest = await pooledCrossReference(test.db, owner, realSet);
    expect(latest.config).toEqual({ modelHash: OTHER_MODEL, resize: "tf1-bilinear" });
    expect(latest.rows.map((row) => [row.arm, row.fid])).toEqual([["Model C", 99]]);
    expect(cell(latest.correlations, "hypeInf", "fid")).toMatchObject({ n: 1, rho: null, p: null });
    expect(latest.configs).toEqual([
      { modelHash: MODEL, resize: "tf1-bilinear", arms: 4, studies: 2 },
      { modelHash: OTHER_MODEL, resize: "tf1-bilinear", arms: 1, studies: 1 },
    ]);
    const otherResize = await pooledCrossReference(test.db, owner, realSet, { modelHash: MODEL, resize: "pil-bicubic" });
    expect(otherResize.rows).toEqual([]);
  });

  it("keeps studies on another real set and other researchers' studies out", async () => {
    // The study on the other real set (measured, not yet answered) is pooled there, not here.
    const other = await pooledCrossReference(test.db, owner, otherRealSet, { modelHash: MODEL });
    expect(other.studies.map((study) => study.id)).toEqual([separate.id]);
    expect(other.configs).toEqual([{ modelHash: MODEL, resize: "tf1-bilinear", arms: 2, studies: 1 }]);
    expect(other.rows).toEqual([]);

    // The stranger's study points at the owner's set: the stranger sees only their own study there
    // (no human answers yet, so no rows) …
    const theirs = await pooledCrossReference(test.db, stranger, realSet, { modelHash: MODEL });
    expect(theirs.studies.map((study) => study.id)).toEqual([strangers.id]);
    expect(theirs.configs).toEqual([{ modelHash: MODEL, resize: "tf1-bilinear", arms: 2, studies: 1 }]);
    expect(theirs.rows).toEqual([]);
    // … and the owner never sees the stranger's.
    const mine = await pooledCrossReference(test.db, owner, realSet, { modelHash: MODEL });
    expect(mine.rows.some((row) => row.studyId === strangers.id)).toBe(false);
    expect(mine.configs.find((c) => c.modelHash === MODEL)).toMatchObject({ arms: 4, studies: 2 });

    // A set that is neither yours nor the real set of one of your studies does not exist for you.
    await expect(pooledCrossReference(test.db, stranger, otherRealSet)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(pooledCrossReference(test.db, admin, realSet)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(pooledCrossReference(test.db, owner, "no-such-set")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
