import { answerFor, TEST_DEVICE } from "../support/drive-session";
import type { World } from "./world";

/**
 * THE authorization matrix: every route handler (method + path of an app/api route file) and
 * every server action, with what each kind of caller must get. The test discovers the routes and
 * actions from the filesystem and fails when one is missing here; docs/security.md shows this
 * table. Statuses are what the design wants, not what the code happened to answer.
 */
export const ROLES = ["anonymous", "participant", "annotator", "owner", "otherResearcher", "admin"] as const;
export type RoleName = (typeof ROLES)[number];

export const ROLE_DESCRIPTIONS: Record<RoleName, string> = {
  anonymous: "no cookie, no token",
  participant: "the annotator cookie (signed participant id) of the session/stimulus in question, no account",
  annotator: "signed in with an ANNOTATOR account, no participant cookie",
  owner: "researcher A, who owns the study, its image sets and the token",
  otherResearcher: "researcher B (owns nothing of A's)",
  admin: "an ADMIN account",
};

/** An HTTP status, or "redirect" for a server action that finished by redirecting. */
export type Outcome = number | "redirect";
export type Expectation = Record<RoleName, Outcome>;

/** One call: the concrete path (with query), the route params, and a JSON or raw body. */
export type Call = {
  path: string;
  params?: Record<string, string | string[]>;
  json?: unknown;
  body?: BodyInit;
  /** The participant whose cookie the "participant" caller carries (default: a fresh session's). */
  participantId?: string;
};

export type RouteCase = { expect: Expectation; call(world: World): Promise<Call> };
export type ActionCase = { expect: Expectation; form(world: World): FormData };

const everyone = (ok: Outcome): Expectation => ({ anonymous: ok, participant: ok, annotator: ok, owner: ok, otherResearcher: ok, admin: ok });
/** Researcher API on A's resources: strangers get 404, so that existence does not leak. */
const ownerOrAdmin = (ok: number): Expectation => ({ anonymous: 401, participant: 401, annotator: 403, owner: ok, otherResearcher: 404, admin: ok });
/** Researcher API on the caller's own things (lists, creation). */
const anyResearcher = (ok: number): Expectation => ({ anonymous: 401, participant: 401, annotator: 403, owner: ok, otherResearcher: ok, admin: ok });
const adminOnly = (ok: number): Expectation => ({ anonymous: 401, participant: 401, annotator: 403, owner: 403, otherResearcher: 403, admin: ok });
/** Annotator API: only the signed participant cookie counts; accounts do not stand in for it. */
const participantOnly = (ok: number): Expectation => ({ anonymous: 401, participant: ok, annotator: 401, owner: 401, otherResearcher: 401, admin: 401 });

const unique = () => Math.random().toString(36).slice(2, 10);
const multipart = (entries: [string, string | Blob, string?][]) => {
  const form = new FormData();
  for (const [name, value, filename] of entries) {
    if (typeof value === "string") form.append(name, value);
    else form.append(name, value, filename);
  }
  return form;
};

async function participantCall(world: World, build: (session: Awaited<ReturnType<World["participantSession"]>>) => Call): Promise<Call> {
  const session = await world.participantSession();
  return { ...build(session), participantId: session.participantId };
}

export const ROUTE_MATRIX: Record<string, RouteCase> = {
  "POST /api/accounts": {
    // Open sign-up is on in the fixture: anyone may create an account (a signed-in user too; it is a new account).
    expect: everyone(201),
    call: async () => ({ path: "/api/accounts", json: { name: "New", email: `new-${unique()}@example.org`, password: "plenty of entropy 42" } }),
  },
  "GET /api/admin/invitations": { expect: adminOnly(200), call: async () => ({ path: "/api/admin/invitations" }) },
  "POST /api/admin/invitations": {
    expect: adminOnly(201),
    call: async () => ({ path: "/api/admin/invitations", json: { email: `invited-${unique()}@example.org` } }),
  },
  "GET /api/admin/settings": { expect: adminOnly(200), call: async () => ({ path: "/api/admin/settings" }) },
  "PATCH /api/admin/settings": { expect: adminOnly(200), call: async () => ({ path: "/api/admin/settings", json: { openSignup: true } }) },
  // next-auth's own endpoints: public by nature (providers, CSRF token, session, sign-in).
  "GET /api/auth/[...nextauth]": { expect: everyone(200), call: async () => ({ path: "/api/auth/providers", params: { nextauth: ["providers"] } }) },
  "POST /api/auth/[...nextauth]": {
    // A sign-out without next-auth's CSRF token changes nothing: 200 with the sign-out page's URL to go back to.
    expect: everyone(200),
    call: async () => ({ path: "/api/auth/signout", params: { nextauth: ["signout"] }, body: new URLSearchParams({ json: "true" }) }),
  },
  "GET /api/health": { expect: everyone(200), call: async () => ({ path: "/api/health" }) },
  "GET /api/openapi.json": { expect: everyone(200), call: async () => ({ path: "/api/openapi.json" }) },

  "GET /api/image-sets": { expect: anyResearcher(200), call: async () => ({ path: "/api/image-sets" }) },
  "POST /api/image-sets": { expect: anyResearcher(201), call: async () => ({ path: "/api/image-sets", json: { name: "Mine", label: "REAL" } }) },
  "GET /api/image-sets/[id]": {
    expect: ownerOrAdmin(200),
    call: async (w) => ({ path: `/api/image-sets/${w.study.realSetId}?page=1`, params: { id: w.study.realSetId } }),
  },
  // Pooled over the caller's own studies only, admins included: another owner's set is a 404.
  "GET /api/image-sets/[id]/cross-reference": {
    expect: { ...ownerOrAdmin(200), admin: 404 },
    call: async (w) => ({ path: `/api/image-sets/${w.study.realSetId}/cross-reference`, params: { id: w.study.realSetId } }),
  },
  "GET /api/image-sets/[id]/images/[imageId]/thumbnail": {
    expect: ownerOrAdmin(200),
    call: async (w) => ({
      path: `/api/image-sets/${w.study.realSetId}/images/${w.realImageId}/thumbnail`,
      params: { id: w.study.realSetId, imageId: w.realImageId },
    }),
  },
  "POST /api/image-sets/[id]/imports": {
    expect: ownerOrAdmin(201),
    call: async (w) => ({ path: `/api/image-sets/${w.study.generatedSetId}/imports`, params: { id: w.study.generatedSetId }, json: {} }),
  },
  "GET /api/image-sets/[id]/imports/[importId]": {
    expect: ownerOrAdmin(200),
    call: async (w) => {
      const importId = await w.freshImport();
      return { path: `/api/image-sets/${w.study.generatedSetId}/imports/${importId}`, params: { id: w.study.generatedSetId, importId } };
    },
  },
  "DELETE /api/image-sets/[id]/imports/[importId]": {
    expect: ownerOrAdmin(204),
    call: async (w) => {
      const importId = await w.freshImport();
      return { path: `/api/image-sets/${w.study.generatedSetId}/imports/${importId}`, params: { id: w.study.generatedSetId, importId } };
    },
  },
  "POST /api/image-sets/[id]/imports/[importId]/files": {
    expect: ownerOrAdmin(200),
    call: async (w) => {
      const importId = await w.freshImport();
      return {
        path: `/api/image-sets/${w.study.generatedSetId}/imports/${importId}/files`,
        params: { id: w.study.generatedSetId, importId },
        body: multipart([["file", new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: "image/png" }), "broken.png"]]),
      };
    },
  },
  "POST /api/image-sets/[id]/imports/[importId]/commit": {
    expect: ownerOrAdmin(200),
    call: async (w) => {
      const importId = await w.freshStagedImport();
      return { path: `/api/image-sets/${w.study.generatedSetId}/imports/${importId}/commit`, params: { id: w.study.generatedSetId, importId } };
    },
  },

  "POST /api/sessions": { expect: participantOnly(200), call: async (w) => participantCall(w, () => ({ path: "/api/sessions", json: { linkCode: w.study.linkCode } })) },
  "POST /api/sessions/[id]/device": {
    expect: participantOnly(200),
    call: async (w) =>
      participantCall(w, (s) => ({
        path: `/api/sessions/${s.sessionId}/device`,
        params: { id: s.sessionId },
        json: TEST_DEVICE,
      })),
  },
  "POST /api/sessions/[id]/next": {
    expect: participantOnly(200),
    call: async (w) => participantCall(w, (s) => ({ path: `/api/sessions/${s.sessionId}/next`, params: { id: s.sessionId } })),
  },
  "POST /api/sessions/[id]/answers": {
    expect: participantOnly(200),
    call: async (w) =>
      participantCall(w, (s) => ({
        path: `/api/sessions/${s.sessionId}/answers`,
        params: { id: s.sessionId },
        json: answerFor(s.trial, "real"),
      })),
  },
  "GET /api/stimuli/[token]": {
    expect: participantOnly(200),
    call: async (w) => participantCall(w, (s) => ({ path: `/api/stimuli/${s.stimulusToken}`, params: { token: s.stimulusToken } })),
  },

  "GET /api/studies": { expect: anyResearcher(200), call: async () => ({ path: "/api/studies" }) },
  "POST /api/studies": { expect: anyResearcher(201), call: async () => ({ path: "/api/studies", json: { name: "Another study" } }) },
  "GET /api/studies/[id]": { expect: ownerOrAdmin(200), call: async (w) => ({ path: `/api/studies/${w.study.id}`, params: { id: w.study.id } }) },
  "PATCH /api/studies/[id]": {
    expect: ownerOrAdmin(200),
    call: async (w) => ({ path: `/api/studies/${w.study.id}`, params: { id: w.study.id }, json: { description: `edited ${unique()}` } }),
  },
  "PUT /api/studies/[id]/arms": {
    expect: ownerOrAdmin(200),
    call: async (w) => {
      const id = await w.freshDraftStudy();
      return { path: `/api/studies/${id}/arms`, params: { id }, json: { arms: [{ name: "Model A", generatedSetId: w.study.generatedSetId }] } };
    },
  },
  "POST /api/studies/[id]/status": {
    expect: ownerOrAdmin(200),
    call: async (w) => {
      const id = await w.freshLiveStudy();
      return { path: `/api/studies/${id}/status`, params: { id }, json: { action: "pause" } };
    },
  },
  "GET /api/studies/[id]/progress": { expect: ownerOrAdmin(200), call: async (w) => ({ path: `/api/studies/${w.study.id}/progress`, params: { id: w.study.id } }) },
  "GET /api/studies/[id]/scores": {
    expect: ownerOrAdmin(200),
    call: async (w) => ({ path: `/api/studies/${w.study.id}/scores?resamples=200&seed=7`, params: { id: w.study.id } }),
  },
  "GET /api/studies/[id]/export/trials.csv": {
    expect: ownerOrAdmin(200),
    call: async (w) => ({ path: `/api/studies/${w.study.id}/export/trials.csv`, params: { id: w.study.id } }),
  },
  "GET /api/studies/[id]/export/trials.json": {
    expect: ownerOrAdmin(200),
    call: async (w) => ({ path: `/api/studies/${w.study.id}/export/trials.json`, params: { id: w.study.id } }),
  },
  "GET /api/studies/[id]/export/evaluators.csv": {
    expect: ownerOrAdmin(200),
    call: async (w) => ({ path: `/api/studies/${w.study.id}/export/evaluators.csv`, params: { id: w.study.id } }),
  },
  "GET /api/studies/[id]/export/manifest.json": {
    expect: ownerOrAdmin(200),
    call: async (w) => ({ path: `/api/studies/${w.study.id}/export/manifest.json`, params: { id: w.study.id } }),
  },
  "GET /api/studies/[id]/metrics": { expect: ownerOrAdmin(200), call: async (w) => ({ path: `/api/studies/${w.study.id}/metrics`, params: { id: w.study.id } }) },
  "POST /api/studies/[id]/metrics": {
    expect: ownerOrAdmin(201),
    call: async (w) => ({
      path: `/api/studies/${w.study.id}/metrics`,
      params: { id: w.study.id },
      body: multipart([
        [
          "meta",
          JSON.stringify({
            modelHash: "b".repeat(64),
            imageSetId: w.study.realSetId,
            armId: null,
            settings: { resize: "tf1-bilinear", batchSize: 8, maxImages: 12, featureCap: 12, backend: "wasm", imagesDigest: "c".repeat(64) },
            results: null,
            error: "out of memory in the browser",
          }),
        ],
      ]),
    }),
  },
  "GET /api/studies/[id]/metrics/images": {
    expect: ownerOrAdmin(200),
    call: async (w) => ({ path: `/api/studies/${w.study.id}/metrics/images?set=${w.study.realSetId}&max=4`, params: { id: w.study.id } }),
  },
  "GET /api/studies/[id]/metrics/images/[imageId]": {
    expect: ownerOrAdmin(200),
    call: async (w) => ({ path: `/api/studies/${w.study.id}/metrics/images/${w.realImageId}`, params: { id: w.study.id, imageId: w.realImageId } }),
  },
  "GET /api/studies/[id]/metrics/runs/[runId]/statistics": {
    expect: ownerOrAdmin(200),
    call: async (w) => ({
      path: `/api/studies/${w.study.id}/metrics/runs/${w.metricRunId}/statistics`,
      params: { id: w.study.id, runId: w.metricRunId },
    }),
  },
  "GET /api/studies/[id]/metrics/cross-reference": {
    expect: ownerOrAdmin(200),
    call: async (w) => ({ path: `/api/studies/${w.study.id}/metrics/cross-reference`, params: { id: w.study.id } }),
  },

  // API tokens are personal: even an admin cannot list or revoke someone else's (404, not 403).
  "GET /api/tokens": { expect: anyResearcher(200), call: async () => ({ path: "/api/tokens" }) },
  "POST /api/tokens": { expect: anyResearcher(201), call: async () => ({ path: "/api/tokens", json: { name: `matrix ${unique()}` } }) },
  "DELETE /api/tokens/[id]": {
    expect: { ...ownerOrAdmin(200), admin: 404 },
    call: async (w) => {
      const id = await w.freshOwnerToken();
      return { path: `/api/tokens/${id}`, params: { id } };
    },
  },
};

export const ACTION_MATRIX: Record<string, ActionCase> = {
  // The consent form of a study link: public by design; it registers whoever submits it.
  "app/(annotator)/s/[code]/actions.ts#joinStudyAction": {
    expect: everyone("redirect"),
    form: (w) => {
      const form = new FormData();
      form.set("code", w.study.linkCode);
      form.set("consent", "yes");
      return form;
    },
  },
};
