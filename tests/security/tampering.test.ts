import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { authSecret } from "@/lib/auth/secret";
import { sign } from "@/lib/auth/signed-value";
import { SessionStatus } from "@/lib/db";
import type { StaircaseState } from "@/lib/hype";
import { PARTICIPANT_COOKIE, PARTICIPANT_COOKIE_MAX_AGE_S, PARTICIPANT_COOKIE_PURPOSE, participantCookieValue } from "@/lib/sessions/participants";
import { MAX_RERUN_SHARE } from "@/lib/sessions/rerun";
import type { TrialSpec } from "@/lib/sessions/trials";
import { answerFor } from "../support/drive-session";
import { actAs, fakeRequest, callerRequest } from "../support/fake-request";
import { createTestDatabase, targetKinds, type TestDatabase } from "../support/test-db";
import { buildWorld, WORLD_BUILD_TIMEOUT_MS, type ParticipantSession, type World } from "./world";

vi.mock("next/headers", async () => (await import("../support/fake-request")).nextHeadersModule);
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: (await import("../support/fake-request")).getServerSession,
}));
vi.mock("@/lib/db", async (importOriginal) => ({ ...(await importOriginal<typeof import("@/lib/db")>()), getDb: (await import("../support/fake-request")).getDb }));

const answersRoute = await import("@/app/api/sessions/[id]/answers/route");
const nextRoute = await import("@/app/api/sessions/[id]/next/route");
const stimulusRoute = await import("@/app/api/stimuli/[token]/route");

const asParticipant = (participantId: string) => actAs({ cookies: { [PARTICIPANT_COOKIE]: participantCookieValue(participantId, authSecret()) } });
const withCookie = (value: string) => actAs({ cookies: { [PARTICIPANT_COOKIE]: value } });

async function postAnswer(sessionId: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const request = callerRequest(`http://percept.test/api/sessions/${sessionId}/answers`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  const response = await answersRoute.POST(request, { params: Promise.resolve({ id: sessionId }) });
  return { status: response.status, body: await response.json() };
}

async function postNext(sessionId: string) {
  const response = await nextRoute.POST(callerRequest(`http://percept.test/api/sessions/${sessionId}/next`, { method: "POST" }), { params: Promise.resolve({ id: sessionId }) });
  return { status: response.status, body: (await response.json()) as { trial?: TrialSpec } };
}

async function getStimulus(token: string) {
  const response = await stimulusRoute.GET(callerRequest(`http://percept.test/api/stimuli/${token}`), { params: Promise.resolve({ token }) });
  return { status: response.status, body: response.status === 200 ? null : await response.json() };
}

describe.each(targetKinds())("tampering on %s", (kind) => {
  let test: TestDatabase;
  let world: World;

  /** Everything an answer could have written: trials, sessions (staircase, plan, status), qualifications. */
  async function snapshot() {
    const db = test.db;
    return JSON.stringify(
      await Promise.all([
        db.trial.findMany({ orderBy: { id: "asc" } }),
        db.evaluationSession.findMany({ orderBy: { id: "asc" } }),
        db.qualificationResult.findMany({ orderBy: { id: "asc" } }),
        db.participant.count(),
      ]),
    );
  }

  /** The call is refused with `status` and the error shape, and the database is as it was. */
  async function expectRefusedAndNothingStored(status: number, call: () => Promise<{ status: number; body: unknown }>) {
    const before = await snapshot();
    const result = await call();
    expect(result).toEqual({ status, body: { error: { code: expect.any(String), message: expect.any(String) } } });
    expect(await snapshot()).toBe(before);
  }

  async function session(): Promise<ParticipantSession> {
    return world.participantSession();
  }

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    fakeRequest.db = test.db;
    world = await buildWorld(test.db, { answeredSessions: 0 });
  }, WORLD_BUILD_TIMEOUT_MS);
  afterAll(async () => test.cleanup());

  describe("answers", () => {
    it("refuses an answer to a trial not issued yet (a future index) with 409", async () => {
      const s = await session();
      asParticipant(s.participantId);
      for (const index of [s.trial.index + 1, s.trial.totalTrials - 1, 10_000]) {
        await expectRefusedAndNothingStored(409, () => postAnswer(s.sessionId, answerFor(s.trial, "real", { index })));
      }
    });

    it("refuses another participant's session with 404, even with a well-formed answer to its issued trial", async () => {
      const mine = await session();
      const theirs = await session();
      asParticipant(mine.participantId);
      await expectRefusedAndNothingStored(404, () => postAnswer(theirs.sessionId, answerFor(theirs.trial, "real")));
      await expectRefusedAndNothingStored(404, () => postNext(theirs.sessionId));
    });

    it("does not let an answer issued in session A count in session B (a trial index B was never issued)", async () => {
      const a = await session();
      const b = await session();
      asParticipant(a.participantId);
      const right = await world.labelOf(a.sessionId, a.trial.index);
      expect((await postAnswer(a.sessionId, answerFor(a.trial, right))).status).toBe(200);
      const second = await postNext(a.sessionId);
      expect(second.body.trial?.index).toBe(1);
      // B has issued only trial 0: A's answer to its trial 1, replayed by B, is for a trial B never saw.
      asParticipant(b.participantId);
      await expectRefusedAndNothingStored(409, () => postAnswer(b.sessionId, answerFor(second.body.trial!, "real")));
    });

    it("a retry of a stored answer returns the stored outcome; a changed answer is a 409 and overwrites nothing", async () => {
      const s = await session();
      asParticipant(s.participantId);
      const right = await world.labelOf(s.sessionId, s.trial.index);
      const first = await postAnswer(s.sessionId, answerFor(s.trial, right));
      expect(first.status).toBe(200);
      const stored = await snapshot();
      // A retry with new measurements is still the same answer: same outcome, nothing rewritten.
      expect(await postAnswer(s.sessionId, answerFor(s.trial, right, { measuredMs: 1, flags: ["blur"] }))).toEqual(first);
      expect(await snapshot()).toBe(stored);
      const wrong = right === "real" ? "generated" : "real";
      await expectRefusedAndNothingStored(409, () => postAnswer(s.sessionId, answerFor(s.trial, wrong)));
      await expectRefusedAndNothingStored(409, () => postAnswer(s.sessionId, answerFor(s.trial, right, { presentedFrames: 1 })));
    });

    it("refuses a reported exposure that is not the one issued (422); the server's exposure is what is stored", async () => {
      const s = await session();
      asParticipant(s.participantId);
      const frames = s.trial.exposure!.frames;
      for (const requestedFrames of [frames - 1, frames + 1, 0, null]) {
        await expectRefusedAndNothingStored(422, () => postAnswer(s.sessionId, answerFor(s.trial, "real", { requestedFrames })));
      }
      // Schema-level lies never reach the service: unknown fields (an exposure in ms, a label) are 400s.
      for (const extra of [{ requestedMs: 1 }, { exposureMs: 16 }, { correct: true }, { label: "real" }]) {
        await expectRefusedAndNothingStored(400, () => postAnswer(s.sessionId, { ...answerFor(s.trial, "real"), ...extra }));
      }
      const outcome = await postAnswer(s.sessionId, answerFor(s.trial, "real", { presentedFrames: frames, measuredMs: 3 }));
      expect(outcome.status).toBe(200);
      const trial = await test.db.trial.findUniqueOrThrow({ where: { sessionId_index: { sessionId: s.sessionId, index: s.trial.index } } });
      expect({ requestedMs: trial.requestedMs, requestedFrames: trial.requestedFrames, measuredMs: trial.measuredMs }).toEqual({
        requestedMs: s.trial.exposure!.ms,
        requestedFrames: frames,
        measuredMs: 3,
      });
    });

    it("a client that flags only its wrong answers cannot have them all replaced: re-runs are capped per block", async () => {
      const s = await session();
      asParticipant(s.participantId);
      let spec = s.trial;
      const blockSize = spec.blockSize;
      let replaced = 0;
      let wrongCounted = 0;
      while (spec.block === 0) {
        const right = await world.labelOf(s.sessionId, spec.index);
        const wrong = right === "real" ? "generated" : "real";
        // The lie: every wrong answer claims one frame too few was shown.
        const result = await postAnswer(s.sessionId, answerFor(spec, wrong, { presentedFrames: spec.exposure!.frames - 1 }));
        expect(result.status).toBe(200);
        const stored = await test.db.trial.findUniqueOrThrow({ where: { sessionId_index: { sessionId: s.sessionId, index: spec.index } } });
        expect(stored.flags).toContain("frame_miss");
        if (stored.flags.includes("replaced")) replaced++;
        else wrongCounted++;
        const next = await postNext(s.sessionId);
        if (!next.body.trial) break;
        spec = next.body.trial;
      }
      expect(replaced).toBe(Math.max(1, Math.floor(blockSize * MAX_RERUN_SHARE)));
      expect(wrongCounted).toBe(blockSize);
      // Every planned trial of the block moved the staircase, each as an error: the exposure went up.
      const state = (await test.db.evaluationSession.findUniqueOrThrow({ where: { id: s.sessionId } })).staircaseState as unknown as Record<string, StaircaseState>;
      expect(state["0"]!.history.map((trial) => trial.correct)).toEqual(Array(blockSize).fill(false));
      expect(state["0"]!.level).toBeGreaterThan(state["0"]!.history[0]!.exposure);
    });
  });

  describe("participant cookies", () => {
    it("refuses forged, altered, expired, unsigned and legacy cookies with 401 and stores nothing", async () => {
      const s = await session();
      const secret = authSecret();
      const expiry = Date.now() + PARTICIPANT_COOKIE_MAX_AGE_S * 1000;
      const genuine = participantCookieValue(s.participantId, secret);
      const forgedSignature = createHmac("sha256", "not-the-server-secret-not-the-server").update(`${PARTICIPANT_COOKIE_PURPOSE}:${s.participantId}:${expiry}`).digest("base64url");
      const bad = {
        forged: `${s.participantId}:${expiry}.${forgedSignature}`,
        "signed for another purpose": sign(`${s.participantId}:${expiry}`, secret, "mask"),
        "another participant's id in a genuine cookie": genuine.replace(s.participantId, (await session()).participantId),
        "a later expiry in a genuine cookie": genuine.replace(String(genuine.split(".")[0]!.split(":")[1]), String(expiry + 10 ** 9)),
        expired: sign(`${s.participantId}:${Date.now() - 1}`, secret, PARTICIPANT_COOKIE_PURPOSE),
        "without expiry (the old format)": sign(s.participantId, secret, PARTICIPANT_COOKIE_PURPOSE),
        unsigned: s.participantId,
        empty: "",
      };
      for (const [what, value] of Object.entries(bad)) {
        withCookie(value);
        await expectRefusedAndNothingStored(401, () => postAnswer(s.sessionId, answerFor(s.trial, "real"))).catch((error: unknown) => {
          throw new Error(`${what}: ${String(error)}`);
        });
        expect((await getStimulus(s.stimulusToken)).status, what).toBe(401);
      }
      withCookie(genuine);
      expect((await postAnswer(s.sessionId, answerFor(s.trial, "real"))).status).toBe(200);
    });
  });

  describe("stimulus tokens", () => {
    it("serve only their participant, only until answered, and only before they expire", async () => {
      const s = await session();
      const stranger = await session();
      asParticipant(stranger.participantId);
      expect(await getStimulus(s.stimulusToken)).toEqual({ status: 404, body: { error: { code: "NOT_FOUND", message: "Image not found." } } });
      asParticipant(s.participantId);
      expect((await getStimulus(s.stimulusToken)).status).toBe(200);
      await test.db.trial.update({ where: { stimulusToken: s.stimulusToken }, data: { tokenExpiresAt: new Date(Date.now() - 1) } });
      expect((await getStimulus(s.stimulusToken)).status).toBe(404);
      // A reload re-issues the same trial under a new URL; the old one stays dead.
      const reissued = (await postNext(s.sessionId)).body.trial!;
      const token = reissued.stimulusUrl.split("/").pop()!;
      expect(reissued.index).toBe(s.trial.index);
      expect(token).not.toBe(s.stimulusToken);
      expect((await getStimulus(token)).status).toBe(200);
      expect((await postAnswer(s.sessionId, answerFor(reissued, "real"))).status).toBe(200);
      expect((await getStimulus(token)).status).toBe(404);
      expect((await getStimulus(s.stimulusToken)).status).toBe(404);
    });

    it("a finished session issues nothing more", async () => {
      const s = await session();
      await test.db.evaluationSession.update({ where: { id: s.sessionId }, data: { status: SessionStatus.COMPLETED } });
      asParticipant(s.participantId);
      const before = await snapshot();
      expect(await postNext(s.sessionId)).toMatchObject({ status: 200, body: { done: true } });
      expect(await snapshot()).toBe(before);
    });
  });
});
