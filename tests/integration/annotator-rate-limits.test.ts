import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sign } from "@/lib/auth/signed-value";
import { seedDemo } from "@/lib/demo/seed";
import type { TrialSpec } from "@/lib/sessions/contract";
import { joinStudy, PARTICIPANT_COOKIE_PURPOSE } from "@/lib/sessions/participants";
import { TEST_DEVICE, TEST_SECRET } from "../support/drive-session";
import { createTestDatabase, targetKinds, type TestDatabase } from "../support/test-db";

/**
 * The annotator API's per-participant budgets, through the real routes: a scripted flood gets
 * 429s in the API's error shape with Retry-After, other participants are untouched, and the
 * budget comes back after the window. Budgets are set low here through the env module.
 */
const request = vi.hoisted(() => {
  Object.assign(process.env, {
    AUTH_SECRET: "test-secret-test-secret-test-secret!",
    PERCEPT_ANSWERS_PER_MINUTE: "4",
    PERCEPT_TRIALS_PER_MINUTE: "6",
    PERCEPT_STIMULI_PER_MINUTE: "3",
  });
  return { db: null as unknown, cookie: undefined as string | undefined };
});
vi.mock("next/headers", () => ({
  headers: async () => new Headers(),
  cookies: async () => ({ get: (name: string) => (name === "percept_participant" && request.cookie ? { name, value: request.cookie } : undefined) }),
}));
vi.mock("@/lib/db", async (importOriginal) => ({ ...(await importOriginal<typeof import("@/lib/db")>()), getDb: () => request.db }));

const sessionsRoute = await import("@/app/api/sessions/route");
const deviceRoute = await import("@/app/api/sessions/[id]/device/route");
const nextRoute = await import("@/app/api/sessions/[id]/next/route");
const answersRoute = await import("@/app/api/sessions/[id]/answers/route");
const stimulusRoute = await import("@/app/api/stimuli/[token]/route");

const post = (path: string, body?: unknown) =>
  new Request(`http://percept.test${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

describe.each(targetKinds())("annotator rate limits on %s", (kind) => {
  let test: TestDatabase;
  let linkCode: string;

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    request.db = test.db;
    linkCode = (await seedDemo(test.db)).linkCode!;
    await test.db.arm.updateMany({ data: { targetEvaluators: 100 } });
  });
  afterAll(async () => {
    vi.useRealTimers();
    await test.cleanup();
  });

  /** A new participant with a started, device-checked session; their cookie is the current one. */
  async function annotator() {
    const { participantId } = await joinStudy(test.db, { linkCode });
    request.cookie = sign(participantId, TEST_SECRET, PARTICIPANT_COOKIE_PURPOSE);
    const { session } = (await (await sessionsRoute.POST(post("/api/sessions", { linkCode }))).json()) as { session: { id: string } };
    const context = { params: Promise.resolve({ id: session.id }) };
    expect((await deviceRoute.POST(post(`/api/sessions/${session.id}/device`, TEST_DEVICE), context)).status).toBe(200);
    return { cookie: request.cookie, sessionId: session.id, context };
  }

  const answerTo = (spec: TrialSpec) => ({
    index: spec.index,
    answer: "real",
    requestedFrames: spec.exposure?.frames ?? null,
    presentedFrames: spec.exposure?.frames ?? null,
    measuredMs: 500,
    refreshHz: 60,
    flags: [],
    clientTimes: { stimulusOnset: 1000, stimulusOffset: 1500, responseAt: 2000 },
  });

  async function expectRateLimited(response: Response) {
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await response.json()).toEqual({ error: { code: "RATE_LIMITED", message: `Too many requests; try again in ${retryAfter} s.` } });
  }

  it("answers: the budget's worth of requests pass (retries included), the next one is a 429 with Retry-After", async () => {
    const flooder = await annotator();
    const next = (await (await nextRoute.POST(post(`/api/sessions/${flooder.sessionId}/next`), flooder.context)).json()) as { trial: TrialSpec };
    const answer = answerTo(next.trial);
    for (let i = 0; i < 4; i++) {
      expect((await answersRoute.POST(post(`/api/sessions/${flooder.sessionId}/answers`, answer), flooder.context)).status).toBe(200);
    }
    await expectRateLimited(await answersRoute.POST(post(`/api/sessions/${flooder.sessionId}/answers`, answer), flooder.context));

    // Someone else answering at the same time is not slowed by the flooder.
    const other = await annotator();
    const otherNext = (await (await nextRoute.POST(post(`/api/sessions/${other.sessionId}/next`), other.context)).json()) as { trial: TrialSpec };
    expect((await answersRoute.POST(post(`/api/sessions/${other.sessionId}/answers`, answerTo(otherNext.trial)), other.context)).status).toBe(200);

    // A minute later the flooder's budget is back.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 61_000 });
    request.cookie = flooder.cookie;
    expect((await answersRoute.POST(post(`/api/sessions/${flooder.sessionId}/answers`, answer), flooder.context)).status).toBe(200);
    vi.useRealTimers();
  });

  it("next trial and stimuli have budgets of their own", async () => {
    const flooder = await annotator();
    let spec: TrialSpec | undefined;
    for (let i = 0; i < 6; i++) {
      const response = await nextRoute.POST(post(`/api/sessions/${flooder.sessionId}/next`), flooder.context);
      expect(response.status).toBe(200);
      spec = ((await response.json()) as { trial: TrialSpec }).trial;
    }
    await expectRateLimited(await nextRoute.POST(post(`/api/sessions/${flooder.sessionId}/next`), flooder.context));

    const token = { params: Promise.resolve({ token: spec!.stimulusUrl.split("/").pop()! }) };
    for (let i = 0; i < 3; i++) expect((await stimulusRoute.GET(new Request(`http://percept.test${spec!.stimulusUrl}`), token)).status).toBe(200);
    await expectRateLimited(await stimulusRoute.GET(new Request(`http://percept.test${spec!.stimulusUrl}`), token));
  });
});
