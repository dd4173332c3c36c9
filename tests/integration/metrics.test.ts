import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "@/lib/auth/guard";
import { ImageLabel, Role } from "@/lib/db";
import { seedDemo } from "@/lib/demo/seed";
import { scoreStudyFromDb } from "@/lib/export/study-trials";
import { decodeMoments } from "@/lib/metrics";
import {
  createMetricRun,
  crossReference,
  listMetricImages,
  listMetricRuns,
  metricImageKey,
  metricRunStatistics,
  sniffImageType,
} from "@/lib/metrics/service";
import type { ArmMetricResults, CreateMetricRunInput, MetricSettings } from "@/lib/metrics/service-schema";
import { spearman } from "@/lib/metrics/spearman";
import { joinStudy } from "@/lib/sessions/participants";
import { startSession } from "@/lib/sessions/start";
import { nextTrial, submitAnswer } from "@/lib/sessions/trials";
import { recordDevice } from "@/lib/sessions/view";
import { readObject } from "@/lib/storage/local";
import { answerFor } from "../support/drive-session";
import { momentBytes } from "../support/metric-runs";
import { createTestUser, createTestDatabase, targetKinds, type TestDatabase } from "../support/test-db";

const SECRET = "test-secret-test-secret-test-secret!";
const DEVICE = { refreshHz: 60, windowWidth: 1280, windowHeight: 800, devicePixelRatio: 1, fullscreen: true, touch: false, userAgent: "test" };
const MODEL_HASH = "a".repeat(64);

function settings(digest: string, overrides: Partial<MetricSettings> = {}): MetricSettings {
  return { resize: "tf1-bilinear", batchSize: 8, maxImages: 1000, featureCap: 1000, backend: "wasm (1 thread)", imagesDigest: digest, ...overrides };
}

function armResults(images: number, fid: number, precision: number): ArmMetricResults {
  return {
    kind: "arm", images, realImages: 12, featureRows: images, realFeatureRows: 12, seconds: 2, imagesPerSecond: 6,
    fid, isMean: 1.5, isStd: 0.1, kidMean: fid / 1000, kidStd: 0.001, kidSubsetSize: images, precision, recall: 0.5, density: 0.9, coverage: 0.7,
  };
}

describe.each(targetKinds())("browser metrics service on %s", (kind) => {
  let test: TestDatabase;
  let studyId: string;
  let linkCode: string;
  let owner: CurrentUser;
  let stranger: CurrentUser;
  let admin: CurrentUser;
  let realSet: string;
  let arms: { id: string; name: string; generatedSetId: string }[];

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    linkCode = (await seedDemo(test.db)).linkCode!;
    const study = await test.db.study.findUniqueOrThrow({ where: { linkCode }, include: { owner: true, arms: { orderBy: { position: "asc" } } } });
    studyId = study.id;
    realSet = study.realImageSetId!;
    arms = study.arms;
    owner = { id: study.owner.id, email: study.owner.email, name: study.owner.name, role: study.owner.role };
    const make = (email: string, role: Role) => createTestUser(test.db, email, role);
    stranger = await make("stranger@example.org", Role.RESEARCHER);
    admin = await make("admin@example.org", Role.ADMIN);
  });

  afterAll(async () => {
    await test.cleanup();
  });

  it("lists a fixed, content-ordered sample of a study's set and serves its bytes", async () => {
    const all = await listMetricImages(test.db, owner, studyId, realSet, 1000);
    expect(all.total).toBe(12);
    expect(all.images).toHaveLength(12);
    expect(all.digest).toMatch(/^[0-9a-f]{64}$/);
    const five = await listMetricImages(test.db, owner, studyId, realSet, 5);
    expect(five.images).toEqual(all.images.slice(0, 5));
    expect(five.digest).not.toBe(all.digest);
    expect((await listMetricImages(test.db, admin, studyId, realSet, 1000)).digest).toBe(all.digest);
    const stored = await test.db.image.findMany({ where: { imageSetId: realSet }, orderBy: { contentHash: "asc" }, select: { id: true } });
    expect(all.images.map((image) => image.url)).toEqual(stored.map((image) => `/api/studies/${studyId}/metrics/images/${image.id}`));

    const key = await metricImageKey(test.db, owner, studyId, stored[0]!.id);
    expect(sniffImageType(new Uint8Array(await readObject(key)))).toBe("image/png");
  });

  it("keeps other people and other sets out (NOT_FOUND)", async () => {
    await expect(listMetricImages(test.db, stranger, studyId, realSet, 10)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const other = await test.db.imageSet.create({ data: { ownerId: owner.id, name: "unrelated", label: ImageLabel.REAL } });
    await expect(listMetricImages(test.db, owner, studyId, other.id, 10)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const image = await test.db.image.findFirstOrThrow({ where: { imageSetId: realSet } });
    await expect(metricImageKey(test.db, stranger, studyId, image.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(metricImageKey(test.db, owner, studyId, "no-such-image")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(listMetricRuns(test.db, stranger, studyId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(crossReference(test.db, stranger, studyId)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses runs on the wrong set, without statistics, with foreign bytes or a wrong count", async () => {
    const digest = (await listMetricImages(test.db, owner, studyId, realSet, 1000)).digest;
    const base: CreateMetricRunInput = {
      modelHash: MODEL_HASH, imageSetId: arms[0]!.generatedSetId, armId: arms[0]!.id, settings: settings(digest), results: armResults(12, 10, 0.5), error: null,
    };
    const bad = (input: Partial<CreateMetricRunInput>, bytes: Uint8Array | null) => createMetricRun(test.db, owner, studyId, { ...base, ...input }, bytes);
    await expect(bad({ imageSetId: arms[1]!.generatedSetId }, momentBytes(12, 0))).rejects.toThrow(/not the generated set of this arm/);
    await expect(bad({ armId: null }, momentBytes(12, 0))).rejects.toThrow(/real image set/);
    await expect(bad({ armId: "nope" }, momentBytes(12, 0))).rejects.toThrow(/not an arm of this study/);
    await expect(bad({}, null)).rejects.toThrow(/encoded moments are required/);
    await expect(bad({}, new TextEncoder().encode("hello, not moments at all"))).rejects.toThrow(/not encoded moments \(decodeMoments: bad magic/);
    await expect(bad({}, momentBytes(11, 0))).rejects.toThrow(/11 feature vectors, but results.images is 12/);
    await expect(bad({ results: { kind: "reference", images: 12, seconds: 1, imagesPerSecond: 12 } }, momentBytes(12, 0))).rejects.toThrow(/must be "arm"/);
    await expect(bad({ results: null, error: "boom" }, momentBytes(12, 0))).rejects.toThrow(/no results and no statistics/);
    await expect(createMetricRun(test.db, stranger, studyId, base, momentBytes(12, 0))).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await listMetricRuns(test.db, owner, studyId)).toEqual([]);
  });

  // Three 16.8 MB statistics blobs (d = 2048, float64) in and out of the embedded database: ~35 s
  // on PGlite here, past vitest's 30 s default.
  it("stores reference and arm runs with their moments, lists them newest first, and records failures", { timeout: 120_000 }, async () => {
    const digest = (await listMetricImages(test.db, owner, studyId, realSet, 1000)).digest;
    const reference = momentBytes(12, 0);
    const refRun = await createMetricRun(
      test.db, owner, studyId,
      { modelHash: MODEL_HASH, imageSetId: realSet, armId: null, settings: settings(digest), results: { kind: "reference", images: 12, seconds: 1, imagesPerSecond: 12 }, error: null },
      reference,
    );
    expect(refRun).toMatchObject({ armId: null, armName: null, status: "SUCCEEDED", modelHash: MODEL_HASH });
    const back = await metricRunStatistics(test.db, owner, studyId, refRun.id);
    expect(Buffer.compare(Buffer.from(back), Buffer.from(reference))).toBe(0);
    expect(decodeMoments(back).count).toBe(12);

    await createMetricRun(test.db, owner, studyId, { modelHash: MODEL_HASH, imageSetId: arms[0]!.generatedSetId, armId: arms[0]!.id, settings: settings(digest), results: armResults(12, 40, 0.4), error: null }, momentBytes(12, 1));
    await createMetricRun(test.db, owner, studyId, { modelHash: MODEL_HASH, imageSetId: arms[1]!.generatedSetId, armId: arms[1]!.id, settings: settings(digest), results: armResults(12, 20, 0.8), error: null }, momentBytes(12, 2));
    const failed = await createMetricRun(test.db, admin, studyId, { modelHash: MODEL_HASH, imageSetId: arms[1]!.generatedSetId, armId: arms[1]!.id, settings: settings(digest), results: null, error: "WebAssembly out of memory" }, null);
    expect(failed).toMatchObject({ status: "FAILED", error: "WebAssembly out of memory", results: null });

    const runs = await listMetricRuns(test.db, owner, studyId);
    expect(runs.map((run) => [run.armName, run.status])).toEqual([
      ["Model B", "FAILED"],
      ["Model B", "SUCCEEDED"],
      ["Model A", "SUCCEEDED"],
      [null, "SUCCEEDED"],
    ]);
    expect(runs[1]!.results).toMatchObject({ kind: "arm", fid: 20, precision: 0.8 });
    expect(runs[1]!.settings.imagesDigest).toBe(digest);
  });

  it("cross-references the study's HYPE scores with the latest runs' metrics", async () => {
    // One evaluator per (protocol, arm) cell answers everything: Model A better fooled on some.
    await test.db.arm.updateMany({ data: { targetEvaluators: 100 } });
    for (let n = 0; n < 4; n++) {
      const { participantId } = await joinStudy(test.db, { linkCode });
      const session = await startSession(test.db, { studyId, participantId });
      await recordDevice(test.db, session.id, participantId, DEVICE);
      for (;;) {
        const next = await nextTrial(test.db, { sessionId: session.id, participantId, secret: SECRET });
        if (!("trial" in next)) break;
        const spec = next.trial;
        const stored = await test.db.trial.findUniqueOrThrow({ where: { sessionId_index: { sessionId: session.id, index: spec.index } } });
        const right = stored.label === ImageLabel.REAL ? "real" : "generated";
        await submitAnswer(test.db, {
          sessionId: session.id,
          participantId,
          answer: answerFor(spec, (spec.index * (n + 2)) % 5 < 1 + (n % 3) ? (right === "real" ? "generated" : "real") : right),
        });
      }
    }
    const study = await test.db.study.findUniqueOrThrow({ where: { id: studyId } });
    const { scores } = await scoreStudyFromDb(test.db, studyId, { seed: study.seed, resamples: 10_000 });
    const xref = await crossReference(test.db, owner, studyId);
    expect(xref.modelHash).toBe(MODEL_HASH);
    expect(xref.rows.map((row) => [row.arm, row.fid, row.precision])).toEqual([
      ["Model A", 40, 0.4],
      ["Model B", 20, 0.8],
    ]);
    for (const row of xref.rows) {
      const human = scores.arms.find((arm) => arm.arm === row.arm)!;
      expect(row.hypeInf).toBe(human.hypeInf?.score ?? null);
      expect(row.hypeTime).toBe(human.hypeTime?.score ?? null);
    }
    expect(xref.rows.every((row) => row.hypeInf !== null)).toBe(true);
    expect(xref.correlations).toHaveLength(10);
    const cell = xref.correlations.find((c) => c.human === "hypeInf" && c.automatic === "fid")!;
    const expected = spearman(xref.rows.map((r) => r.hypeInf!), xref.rows.map((r) => r.fid!));
    expect(cell).toMatchObject({ n: 2, p: null });
    expect(cell.rho).toBe(Number.isNaN(expected.rho) ? null : expected.rho);

    // A later run with another model switches the automatic side to that model: Model A has none yet.
    const digest = (await listMetricImages(test.db, owner, studyId, realSet, 1000)).digest;
    await createMetricRun(test.db, owner, studyId, { modelHash: "b".repeat(64), imageSetId: arms[1]!.generatedSetId, armId: arms[1]!.id, settings: settings(digest), results: armResults(12, 5, 0.9), error: null }, momentBytes(12, 3));
    const switched = await crossReference(test.db, owner, studyId);
    expect(switched.modelHash).toBe("b".repeat(64));
    expect(switched.rows.map((row) => [row.arm, row.fid])).toEqual([
      ["Model A", null],
      ["Model B", 5],
    ]);
    expect(switched.correlations.every((c) => c.n <= 1 && c.rho === null)).toBe(true);
  });
});
