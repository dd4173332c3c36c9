import { annotatorRequest, annotatorRoutes, get, post, sessionContext, stimulusContext } from "../support/annotator-routes";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng, randomUnit, seedFrom } from "@/lib/hype";
import { ImageLabel, Protocol, Role, StudyStatus, type Db } from "@/lib/db";
import type { TrialSpec } from "@/lib/sessions/contract";
import { joinStudy, participantCookieValue } from "@/lib/sessions/participants";
import { addImportFiles, commitImport, createImageSet, startImport } from "@/lib/storage/image-sets";
import { DEFAULT_STUDY_CONFIG } from "@/lib/studies/defaults";
import {
  auditFeatures,
  trialFeatures,
  type AuditVerdict,
  type Features,
  type Label,
  type Observation,
  type Received,
  type TrialReceipt,
} from "../support/leak-audit";
import { generatedSamples, realPhotos, type SourceImage } from "../support/leak-fixtures";
import { TEST_DEVICE, TEST_SECRET } from "../support/drive-session";
import { createTestDatabase, createTestUser, targetKinds, type TestDatabase } from "../support/test-db";

/**
 * The label-leak audit (docs/security.md): annotators drive sessions through the real route
 * handlers; everything their browser receives before each answer becomes a feature vector; a
 * classifier trained on half the sessions and per-feature rank tests must find nothing that tells
 * real from generated. Positive controls run the same pipeline on deliberately leaky variants and
 * must find the leak, or the audit would prove nothing.
 */

process.env.AUTH_SECRET = TEST_SECRET;
// The audit answers as fast as the machine goes, faster than a person's per-minute budget
// (tests/integration/annotator-rate-limits.test.ts covers the limits).
Object.assign(process.env, { PERCEPT_ANSWERS_PER_MINUTE: "0", PERCEPT_TRIALS_PER_MINUTE: "0", PERCEPT_STIMULI_PER_MINUTE: "0" });
const routes = await annotatorRoutes();

const SEED = 20_191_208; // HYPE's NeurIPS year and month, any fixed number would do
const IMAGES_PER_SET = 48;
const SESSIONS = 8;
const TRIALS_PER_BLOCK = 24;
/** Family-wise false-alarm rate of each verdict: the audit fails a leak-free server 1 time in 1000. */
const ALPHA = 0.001;

async function received(response: Response): Promise<Received> {
  return { status: response.status, headers: Object.fromEntries(response.headers), body: Buffer.from(await response.arrayBuffer()) };
}

async function json<T>(response: Response): Promise<T> {
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
}

async function importSet(db: Db, owner: Awaited<ReturnType<typeof createTestUser>>, label: "REAL" | "GENERATED", images: SourceImage[]) {
  const set = await createImageSet(db, owner, { name: `${label} set`, label });
  const { importId } = await startImport(db, owner, set.id, { targetSize: 64 });
  await addImportFiles(db, owner, set.id, importId, images.map((image) => ({ name: image.name, size: image.bytes.length, bytes: async () => image.bytes })));
  await commitImport(db, owner, set.id, importId);
  return set.id;
}

/** The stored PNG again: the padding chunk (lib/storage/png-padding.ts) cut out. */
function withoutPadding(png: Buffer): Buffer {
  const at = png.indexOf("ppAd", 8, "latin1") - 4;
  return at < 0 ? png : Buffer.concat([png.subarray(0, at), png.subarray(at + 12 + png.readUInt32BE(at))]);
}

function report(title: string, verdict: AuditVerdict) {
  const strongest = verdict.strongest.map((test) => `${test.name} AUC ${test.auc.toFixed(3)} p ${test.p.toExponential(2)} Holm ${test.pHolm.toExponential(2)}`);
  console.info(`[label-leak] ${title}: held-out accuracy ${verdict.accuracy.toFixed(3)} on ${verdict.n} trials (chance interval ${verdict.chance.map((x) => x.toFixed(3)).join("–")}); strongest: ${strongest.join("; ")}`);
}

describe.each(targetKinds())("label-leak audit on %s", (kind) => {
  let test: TestDatabase;
  let originals: Map<string, SourceImage>;
  const receipts: TrialReceipt[] = [];
  /** Test-only knowledge behind each receipt: the image's original upload and its upload time. */
  const behind: { originalName: string; uploadedAt: Date }[] = [];
  /** Per trial: how the labels revealed so far by feedback in its block predict it (reported). */
  const feedbackGuesses: { label: Label; guess: Label | null }[] = [];

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    annotatorRequest.db = test.db;
    const seed = seedFrom(SEED, kind);
    const owner = await createTestUser(test.db, "owner@example.org", Role.RESEARCHER);
    // Real photographs are uploaded first, generated samples after: upload order must not show.
    const real = await realPhotos(IMAGES_PER_SET, seed);
    const generated = await generatedSamples(IMAGES_PER_SET, seed);
    originals = new Map([...real, ...generated].map((image) => [image.name, image]));
    const realSetId = await importSet(test.db, owner, "REAL", real);
    const generatedSetId = await importSet(test.db, owner, "GENERATED", generated);
    const study = await test.db.study.create({
      data: {
        ownerId: owner.id,
        name: "Leak audit",
        linkCode: `leak-audit-${kind}`,
        status: StudyStatus.LIVE,
        protocols: [Protocol.HYPE_TIME],
        seed: SEED,
        config: { ...DEFAULT_STUDY_CONFIG, hypeTime: { blocks: 2, trialsPerBlock: TRIALS_PER_BLOCK, staircase: "hype" }, minWindow: { width: 400, height: 400 } },
        realImageSetId: realSetId,
        arms: { create: { name: "Model", position: 0, generatedSetId, targetEvaluators: SESSIONS } },
      },
    });

    const answers = createRng(seedFrom(SEED, "answers"));
    for (let session = 0; session < SESSIONS; session++) {
      // Fixed participant ids: each session's plan (the order of labels) is the same every run.
      const participant = await test.db.participant.create({ data: { id: `leak-audit-participant-${session}` } });
      await joinStudy(test.db, { linkCode: study.linkCode, participantId: participant.id });
      annotatorRequest.cookie = participantCookieValue(participant.id, TEST_SECRET);
      const { session: view } = await json<{ session: { id: string } }>(await routes.sessions.POST(post("/api/sessions", { linkCode: study.linkCode })));
      const context = sessionContext(view.id);
      await json(await routes.device.POST(post(`/api/sessions/${view.id}/device`, TEST_DEVICE), context));
      const revealed = new Map<number, { real: number; generated: number }>();

      for (;;) {
        const next = await received(await routes.next.POST(post(`/api/sessions/${view.id}/next`), context));
        const body = JSON.parse(next.body.toString()) as { trial?: TrialSpec; done?: true };
        if (!body.trial) break;
        const spec = body.trial;
        const started = performance.now();
        const stimulus = await received(await routes.stimulus.GET(get(spec.stimulusUrl), stimulusContext(spec.stimulusUrl)));
        const stimulusMs = performance.now() - started;
        const masks = await Promise.all(spec.masks.map(async (mask) => received(await routes.stimulus.GET(get(mask.url), stimulusContext(mask.url)))));

        const trial = await test.db.trial.findUniqueOrThrow({
          where: { sessionId_index: { sessionId: view.id, index: spec.index } },
          select: { label: true, image: { select: { originalName: true, createdAt: true } } },
        });
        const label: Label = trial.label === ImageLabel.REAL ? "real" : "generated";
        receipts.push({ label, session, next, stimulusUrl: spec.stimulusUrl, stimulus, masks, stimulusMs });
        behind.push({ originalName: trial.image.originalName!, uploadedAt: trial.image.createdAt });
        const tally = revealed.get(spec.block) ?? { real: 0, generated: 0 };
        const [realLeft, generatedLeft] = [spec.blockSize / 2 - tally.real, spec.blockSize / 2 - tally.generated];
        feedbackGuesses.push({ label, guess: realLeft === generatedLeft ? null : realLeft > generatedLeft ? "real" : "generated" });

        // A plausible annotator: right three times in four.
        const answer: Label = randomUnit(answers) < 0.75 ? label : label === "real" ? "generated" : "real";
        const frames = spec.exposure?.frames ?? null;
        const outcome = await json<{ correct?: boolean }>(
          await routes.answers.POST(
            post(`/api/sessions/${view.id}/answers`, {
              index: spec.index,
              answer,
              requestedFrames: frames,
              presentedFrames: frames,
              measuredMs: frames === null ? null : (frames * 1000) / 60,
              refreshHz: 60,
              flags: [],
              clientTimes: { stimulusOnset: 1000, stimulusOffset: 1500, responseAt: 2000 },
            }),
            context,
          ),
        );
        // Feedback tells the annotator this trial's label, after the answer; they can count.
        const shown: Label = outcome.correct === (answer === "real") ? "real" : "generated";
        revealed.set(spec.block, { ...tally, [shown]: tally[shown] + 1 });
      }
    }
  }, 600_000);
  afterAll(async () => test?.cleanup());

  async function observe(receiptsToUse: TrialReceipt[], family: "channel" | "pixelDerived" | "timing"): Promise<Observation[]> {
    return Promise.all(receiptsToUse.map(async (receipt) => ({ label: receipt.label, session: receipt.session, features: (await trialFeatures(receipt))[family] as Features })));
  }

  it("drove every session through the routes: balanced labels, every stimulus and mask served", () => {
    expect(receipts).toHaveLength(SESSIONS * 2 * TRIALS_PER_BLOCK);
    expect(receipts.filter((receipt) => receipt.label === "real")).toHaveLength(receipts.length / 2);
    for (const receipt of receipts) {
      expect([receipt.next.status, receipt.stimulus.status, ...receipt.masks.map((mask) => mask.status)]).toEqual([200, 200, 200, 200, 200, 200]);
    }
  });

  it("nothing the browser receives before answering tells real from generated", async () => {
    const verdict = auditFeatures(await observe(receipts, "channel"), SEED, ALPHA);
    report(`${kind}, served responses`, verdict);
    expect(verdict.leaking).toEqual([]);
    expect(verdict.accuracy).toBeGreaterThanOrEqual(verdict.chance[0]);
    expect(verdict.accuracy).toBeLessThanOrEqual(verdict.chance[1]);
  });

  it("what the pixels alone determine (compressed size, the padding that hides it) is at chance too for equal pixel statistics", async () => {
    const verdict = auditFeatures(await observe(receipts, "pixelDerived"), SEED, ALPHA);
    report(`${kind}, pixel-derived`, verdict);
    expect(verdict.leaking).toEqual([]);
    expect(verdict.accuracy).toBeLessThanOrEqual(verdict.chance[1]);
  });

  it("reports the stimulus response time by label (a rank test; timing on a shared machine is too noisy for a hard verdict)", async () => {
    const verdict = auditFeatures(await observe(receipts, "timing"), SEED, ALPHA);
    report(`${kind}, stimulus server time`, verdict);
    expect(verdict.strongest[0]!.name).toBe("stimulus.serverMs");
    expect(verdict.strongest[0]!.auc).toBeGreaterThan(0);
  });

  it("reports how far feedback lets an annotator predict the next label in a balanced block (a protocol property, not a channel)", () => {
    const decided = feedbackGuesses.filter((entry) => entry.guess !== null);
    const right = decided.filter((entry) => entry.guess === entry.label).length;
    console.info(`[label-leak] ${kind}, feedback + balanced blocks of ${TRIALS_PER_BLOCK}: the majority of labels still to come is right on ${right}/${decided.length} trials (${((100 * right) / decided.length).toFixed(1)}%)`);
    expect(right).toBeGreaterThan(decided.length / 2);
  });

  it("positive control: serving the uploads as they came (format, size, EXIF, text chunks) is caught", async () => {
    const leaky = receipts.map((receipt, i): TrialReceipt => {
      const original = originals.get(behind[i]!.originalName)!;
      const type = original.name.endsWith(".jpg") ? "image/jpeg" : "image/png";
      return { ...receipt, stimulus: { status: 200, headers: { ...receipt.stimulus.headers, "content-type": type, "content-length": String(original.bytes.length) }, body: original.bytes } };
    });
    const verdict = auditFeatures(await observe(leaky, "channel"), SEED, ALPHA);
    report(`${kind}, control: uploads served as-is`, verdict);
    expect(verdict.accuracy).toBeGreaterThan(verdict.chance[1]);
    expect(verdict.leaking.map((test) => test.name)).toEqual(expect.arrayContaining(["stimulus.bytes", "stimulus.format", "stimulus.width", "stimulus.exif"]));
  });

  it("positive control: a Last-Modified header from the upload time (as a static file server sends) is caught", async () => {
    const leaky = receipts.map((receipt, i): TrialReceipt => ({
      ...receipt,
      stimulus: { ...receipt.stimulus, headers: { ...receipt.stimulus.headers, "last-modified": behind[i]!.uploadedAt.toUTCString() } },
    }));
    const verdict = auditFeatures(await observe(leaky, "channel"), SEED, ALPHA);
    report(`${kind}, control: Last-Modified`, verdict);
    expect(verdict.leaking.map((test) => test.name)).toContain("stimulus.header.last-modified");
  });

  it("positive control: without the padding, stored sizes that differ by label are caught", async () => {
    // Stands in for a model whose PNGs compress differently from photographs: its stimuli leave
    // at their stored length, the real ones at the study's padded length.
    const leaky = receipts.map((receipt): TrialReceipt => {
      if (receipt.label === "real") return receipt;
      const body = withoutPadding(receipt.stimulus.body);
      return { ...receipt, stimulus: { ...receipt.stimulus, headers: { ...receipt.stimulus.headers, "content-length": String(body.length) }, body } };
    });
    const verdict = auditFeatures(await observe(leaky, "channel"), SEED, ALPHA);
    report(`${kind}, control: unpadded lengths`, verdict);
    expect(verdict.accuracy).toBeGreaterThan(verdict.chance[1]);
    expect(verdict.leaking.map((test) => test.name)).toEqual(expect.arrayContaining(["stimulus.bytes", "stimulus.header.content-length"]));
  });
});
