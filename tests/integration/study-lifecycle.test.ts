import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "@/lib/auth/guard";
import { ImageLabel, Role, StudyStatus, type Db } from "@/lib/db";
import { joinStudy } from "@/lib/sessions/participants";
import { DEFAULT_STUDY_CONFIG } from "@/lib/studies/defaults";
import { changeStatus, setArms, updateStudy } from "@/lib/studies/design";
import { studyProgress } from "@/lib/studies/progress";
import { createStudy } from "@/lib/studies/service";
import { createStudySchema } from "@/lib/validations/study";
import { putObject } from "@/lib/storage/local";
import { createTestUser, createTestDatabase, targetKinds, type TestDatabase } from "../support/test-db";

/** A set of `count` images; their files are real PNGs, since a launch makes the study's masks from them. */
async function imageSet(db: Db, owner: CurrentUser, label: ImageLabel, count: number, size = 64) {
  const set = await db.imageSet.create({ data: { ownerId: owner.id, name: `${label} ${count}`, label } });
  const png = await sharp({ create: { width: size, height: size, channels: 3, background: { r: 90, g: 120, b: 150 } } }).png().toBuffer();
  for (let i = 0; i < count; i++) await putObject(`images/test/${set.id}-${i}.png`, png);
  await db.image.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      imageSetId: set.id,
      label,
      contentHash: `${set.id}-${i}`,
      width: size,
      height: size,
      byteSize: 1000,
      storageKey: `images/test/${set.id}-${i}.png`,
    })),
  });
  return set;
}

const SMALL = { ...DEFAULT_STUDY_CONFIG, hypeTime: { blocks: 2, trialsPerBlock: 10, staircase: "hype" as const }, hypeInfinity: { trials: 10 } };

describe.each(targetKinds())("study design and lifecycle on %s", (kind) => {
  let test: TestDatabase;
  let owner: CurrentUser;
  let other: CurrentUser;

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    const make = (email: string) => createTestUser(test.db, email, Role.RESEARCHER);
    [owner, other] = await Promise.all([make("owner@example.org"), make("other@example.org")]);
  });
  afterAll(async () => test.cleanup());

  it("launches only a complete design, then locks it; texts stay editable", async () => {
    const study = await createStudy(test.db, owner, createStudySchema.parse({ name: "GAN vs diffusion" }));
    await expect(changeStatus(test.db, owner, study.id, "launch")).rejects.toMatchObject({ code: "UNPROCESSABLE", message: expect.stringContaining("real images") });

    const real = await imageSet(test.db, owner, ImageLabel.REAL, 30);
    const fakeA = await imageSet(test.db, owner, ImageLabel.GENERATED, 30);
    const fakeB = await imageSet(test.db, owner, ImageLabel.GENERATED, 5);
    await expect(updateStudy(test.db, owner, study.id, { realImageSetId: fakeA.id })).rejects.toMatchObject({ code: "UNPROCESSABLE" });
    await updateStudy(test.db, owner, study.id, { realImageSetId: real.id, config: SMALL });
    await expect(setArms(test.db, owner, study.id, [{ name: "A", generatedSetId: real.id, targetEvaluators: 5 }])).rejects.toMatchObject({ code: "UNPROCESSABLE" });
    const othersSet = await imageSet(test.db, other, ImageLabel.GENERATED, 30);
    await expect(setArms(test.db, owner, study.id, [{ name: "A", generatedSetId: othersSet.id, targetEvaluators: 5 }])).rejects.toMatchObject({ code: "UNPROCESSABLE" });

    await setArms(test.db, owner, study.id, [
      { name: "GAN", generatedSetId: fakeA.id, targetEvaluators: 5 },
      { name: "Diffusion", generatedSetId: fakeB.id, targetEvaluators: 5 },
    ]);
    await expect(changeStatus(test.db, owner, study.id, "launch")).rejects.toMatchObject({ message: expect.stringContaining('Arm "Diffusion"') });
    await setArms(test.db, owner, study.id, [
      { name: "GAN", generatedSetId: fakeA.id, targetEvaluators: 5 },
      { name: "Diffusion", generatedSetId: (await imageSet(test.db, owner, ImageLabel.GENERATED, 30, 128)).id, targetEvaluators: 5 },
    ]);
    await expect(changeStatus(test.db, owner, study.id, "launch")).rejects.toMatchObject({ message: expect.stringContaining("one size") });
    await setArms(test.db, owner, study.id, [
      { name: "GAN", generatedSetId: fakeA.id, targetEvaluators: 5 },
      { name: "Diffusion", generatedSetId: (await imageSet(test.db, owner, ImageLabel.GENERATED, 30)).id, targetEvaluators: 5 },
    ]);

    await expect(changeStatus(test.db, other, study.id, "launch")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await test.db.maskImage.count({ where: { studyId: study.id } })).toBe(0);
    expect((await changeStatus(test.db, owner, study.id, "launch")).status).toBe(StudyStatus.LIVE);
    // The launch made the masks, so no annotator's start has to (under the study's assignment lock).
    const masks = await test.db.maskImage.findMany({ where: { studyId: study.id }, orderBy: { position: "asc" } });
    expect(masks.map((mask) => mask.position)).toEqual(Array.from({ length: SMALL.masks.count }, (_, position) => position));
    await expect(updateStudy(test.db, owner, study.id, { config: SMALL })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(setArms(test.db, owner, study.id, [])).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await updateStudy(test.db, owner, study.id, { instructions: "Look closely." })).instructions).toBe("Look closely.");

    await joinStudy(test.db, { linkCode: study.linkCode });
    expect((await changeStatus(test.db, owner, study.id, "pause")).status).toBe(StudyStatus.PAUSED);
    await expect(joinStudy(test.db, { linkCode: study.linkCode })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(changeStatus(test.db, owner, study.id, "launch")).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await changeStatus(test.db, owner, study.id, "resume")).status).toBe(StudyStatus.LIVE);
    expect((await changeStatus(test.db, owner, study.id, "close")).closedAt).toBeInstanceOf(Date);
    await expect(changeStatus(test.db, owner, study.id, "resume")).rejects.toMatchObject({ code: "CONFLICT" });

    const progress = await studyProgress(test.db, owner, study.id);
    expect(progress).toMatchObject({ status: "CLOSED", answers: { total: 0 }, arms: [{ name: "GAN", target: 5, started: 0 }, { name: "Diffusion" }] });
    await expect(studyProgress(test.db, other, study.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
