import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import type { CurrentUser } from "@/lib/auth/guard";
import { Role, StudyStatus } from "@/lib/db";
import { seedDemo } from "@/lib/demo/seed";
import { joinStudy } from "@/lib/sessions/participants";
import { createStudy, getStudy, listStudies } from "@/lib/studies/service";
import { createStudySchema } from "@/lib/validations/study";
import { createTestUser, createTestDatabase, targetKinds, type TestDatabase } from "../support/test-db";

describe.each(targetKinds())("studies on %s", (kind) => {
  let test: TestDatabase;
  let alice: CurrentUser;
  let bob: CurrentUser;
  let admin: CurrentUser;

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    const make = (email: string, role: Role) => createTestUser(test.db, email, role);
    [alice, bob, admin] = await Promise.all([
      make("alice@example.org", Role.RESEARCHER),
      make("bob@example.org", Role.RESEARCHER),
      make("admin@example.org", Role.ADMIN),
    ]);
  });
  afterAll(async () => test.cleanup());

  it("creates a study with HYPE defaults, a link code and a seed", async () => {
    const study = await createStudy(test.db, alice, createStudySchema.parse({ name: "FFHQ faces" }));
    expect(study).toMatchObject({ name: "FFHQ faces", status: StudyStatus.DRAFT, protocols: ["HYPE_TIME"], ownerId: alice.id });
    expect(study.linkCode).toMatch(/^[A-Za-z0-9_-]{12}$/);
    const full = await getStudy(test.db, alice, study.id);
    expect(full.config).toMatchObject({ hypeTime: { blocks: 3, trialsPerBlock: 150 }, countdownMs: 500 });
  });

  it("shows a researcher only their own studies, and an admin all of them", async () => {
    await createStudy(test.db, bob, createStudySchema.parse({ name: "Bob's study" }));
    expect((await listStudies(test.db, alice)).map((study) => study.name)).toEqual(["FFHQ faces"]);
    expect((await listStudies(test.db, bob)).map((study) => study.name)).toEqual(["Bob's study"]);
    expect((await listStudies(test.db, admin)).map((study) => study.name).sort()).toEqual(["Bob's study", "FFHQ faces"]);
  });

  it("answers another researcher's study as not found, and an admin may open it", async () => {
    const [bobs] = await listStudies(test.db, bob);
    const error = await getStudy(test.db, alice, bobs!.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect((await getStudy(test.db, admin, bobs!.id)).name).toBe("Bob's study");
  });

  it("seeds the demo once, on an empty database only", async () => {
    expect(await seedDemo(test.db)).toEqual({ created: false });
    const fresh = await createTestDatabase(kind);
    try {
      const demo = await seedDemo(fresh.db);
      expect(demo.created).toBe(true);
      const study = await fresh.db.study.findUniqueOrThrow({ where: { linkCode: demo.linkCode! }, include: { arms: true } });
      expect(study).toMatchObject({ isDemo: true, status: StudyStatus.LIVE });
      expect(study.arms).toHaveLength(2);
      expect(await fresh.db.image.count()).toBe(36);
      expect(await seedDemo(fresh.db)).toEqual({ created: false });
    } finally {
      await fresh.cleanup();
    }
  });

  it("lets an annotator join a live study without an account, once per Prolific id", async () => {
    const [study] = await listStudies(test.db, alice);
    await expect(joinStudy(test.db, { linkCode: study!.linkCode })).rejects.toMatchObject({ code: "CONFLICT" });
    await test.db.study.update({ where: { id: study!.id }, data: { status: StudyStatus.LIVE } });
    const anonymous = await joinStudy(test.db, { linkCode: study!.linkCode });
    expect(await joinStudy(test.db, { linkCode: study!.linkCode, participantId: anonymous.participantId })).toEqual(anonymous);
    const first = await joinStudy(test.db, { linkCode: study!.linkCode, external: { prolificPid: "5f0c1234" } });
    const again = await joinStudy(test.db, { linkCode: study!.linkCode, external: { prolificPid: "5f0c1234" } });
    expect(again.participantId).toBe(first.participantId);
    expect(first.participantId).not.toBe(anonymous.participantId);
    await expect(joinStudy(test.db, { linkCode: "no-such-link" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
