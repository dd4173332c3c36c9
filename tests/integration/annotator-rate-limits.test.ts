import { annotatorRequest, annotatorRoutes, get, post, sessionContext, stimulusContext } from "../support/annotator-routes";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seedDemo } from "@/lib/demo/seed";
import type { TrialSpec } from "@/lib/sessions/contract";
import { joinStudy, participantCookieValue } from "@/lib/sessions/participants";
import { TEST_DEVICE, TEST_SECRET } from "../support/drive-session";
import { createTestDatabase, targetKinds, type TestDatabase } from "../support/test-db";

/**
 * The annotator API's per-participant budgets, through the real routes: a scripted flood gets
 * 429s in the API's error shape with Retry-After, other participants are untouched, and the
 * budget comes back after the window. Budgets are set low here through the env module.
 */
Object.assign(process.env, {
  AUTH_SECRET: TEST_SECRET,
  PERCEPT_ANSWERS_PER_MINUTE: "4",
  PERCEPT_TRIALS_PER_MINUTE: "6",
  PERCEPT_STIMULI_PER_MINUTE: "3",
});
const routes = await annotatorRoutes();

describe.each(targetKinds())("annotator rate limits on %s", (kind) => {
  let test: TestDatabase;
  let linkCode: string;

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    annotatorRequest.db = test.db;
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
    annotatorRequest.cookie = participantCookieValue(participantId, TEST_SECRET);
    const { session } = (await (await routes.sessions.POST(post("/api/sessions", { linkCode }))).json()) as { session: { id: string } };
    const context = sessionContext(session.id);
    expect((await routes.device.POST(post(`/api/sessions/${session.id}/device`, TEST_DEVICE), context)).status).toBe(200);
    return { cookie: annotatorRequest.cookie, sessionId: session.id, context };
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
    const next = (await (await routes.next.POST(post(`/api/sessions/${flooder.sessionId}/next`), flooder.context)).json()) as { trial: TrialSpec };
    const answer = answerTo(next.trial);
    for (let i = 0; i < 4; i++) {
      expect((await routes.answers.POST(post(`/api/sessions/${flooder.sessionId}/answers`, answer), flooder.context)).status).toBe(200);
    }
    await expectRateLimited(await routes.answers.POST(post(`/api/sessions/${flooder.sessionId}/answers`, answer), flooder.context));

    // Someone else answering at the same time is not slowed by the flooder.
    const other = await annotator();
    const otherNext = (await (await routes.next.POST(post(`/api/sessions/${other.sessionId}/next`), other.context)).json()) as { trial: TrialSpec };
    expect((await routes.answers.POST(post(`/api/sessions/${other.sessionId}/answers`, answerTo(otherNext.trial)), other.context)).status).toBe(200);

    // A minute later the flooder's budget is back.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 61_000 });
    annotatorRequest.cookie = flooder.cookie;
    expect((await routes.answers.POST(post(`/api/sessions/${flooder.sessionId}/answers`, answer), flooder.context)).status).toBe(200);
    vi.useRealTimers();
  });

  it("next trial and stimuli have budgets of their own", async () => {
    const flooder = await annotator();
    let spec: TrialSpec | undefined;
    for (let i = 0; i < 6; i++) {
      const response = await routes.next.POST(post(`/api/sessions/${flooder.sessionId}/next`), flooder.context);
      expect(response.status).toBe(200);
      spec = ((await response.json()) as { trial: TrialSpec }).trial;
    }
    await expectRateLimited(await routes.next.POST(post(`/api/sessions/${flooder.sessionId}/next`), flooder.context));

    const fetchStimulus = () => routes.stimulus.GET(get(spec!.stimulusUrl), stimulusContext(spec!.stimulusUrl));
    for (let i = 0; i < 3; i++) expect((await fetchStimulus()).status).toBe(200);
    await expectRateLimited(await fetchStimulus());
  });
});
