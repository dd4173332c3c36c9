import fc from "fast-check";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { authSecret } from "@/lib/auth/secret";
import { PARTICIPANT_COOKIE, participantCookieValue } from "@/lib/sessions/participants";
import { answerFor, TEST_DEVICE } from "../support/drive-session";
import { actAs, fakeRequest, type Caller, callerRequest } from "../support/fake-request";
import { createTestDatabase, type TestDatabase } from "../support/test-db";
import { discoverRoutes, type DiscoveredRoute } from "./discover";
import { buildWorld, WORLD_BUILD_TIMEOUT_MS, type ParticipantSession, type World } from "./world";

vi.mock("next/headers", async () => (await import("../support/fake-request")).nextHeadersModule);
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: (await import("../support/fake-request")).getServerSession,
}));
vi.mock("@/lib/db", async (importOriginal) => ({ ...(await importOriginal<typeof import("@/lib/db")>()), getDb: (await import("../support/fake-request")).getDb }));

/**
 * Property: whatever the body or query, a JSON endpoint answers 2xx or 4xx, never 5xx, and every
 * 4xx is the one error shape. Seeded (FUZZ_SEED overrides) and bounded; on failure fast-check
 * prints the seed and the shrunk counterexample, and the assertion message repeats the seed.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

const routes = new Map((await discoverRoutes()).map((found) => [found.key, found]));

type Body = { bytes: string | Uint8Array; contentType: string | null };

const json = (value: unknown): Body => ({ bytes: JSON.stringify(value), contentType: "application/json" });

const nastyValues = ["x".repeat(200_000), "\u0000".repeat(1000), "a\u0000b", "\u0000", "\ud800", "\u202e", "{{%PROLIFIC_PID%}}", 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0, 5e-324, 2 ** 53];
const pollutingKeys = ["a\u0000", "__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "__defineGetter__"];

/** Raw texts JSON.parse accepts (or not) that no JSON.stringify produces. */
const rawTexts = [
  "1e400",
  "-1e400",
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  `${"[".repeat(50_000)}${"]".repeat(50_000)}`,
  `${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)}`,
  "\ufeff{}",
  "null",
  "[]",
  '""',
  "{",
  "",
  " ",
  "undefined",
  "NaN",
  '{"a":1,"a":2}',
  '{"name":"a\\u0000b"}',
  '{"a\\u0000":1}',
];

/** A body built from a valid one: a field's value swapped for anything, a field dropped, or a key added. */
function mutated(valid: Record<string, unknown>): fc.Arbitrary<Body> {
  const keys = Object.keys(valid);
  const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(...nastyValues));
  return fc.oneof(
    fc.tuple(fc.constantFrom(...keys), anyValue).map(([key, value]) => json({ ...valid, [key]: value })),
    fc.constantFrom(...keys).map((key) => json(Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key)))),
    fc.tuple(fc.constantFrom(...pollutingKeys, "extra", "id", "ownerId", "role"), anyValue).map(([key, value]) => {
      const text = JSON.stringify(valid);
      return { bytes: `${text.slice(0, -1)}${text.length > 2 ? "," : ""}${JSON.stringify(key)}:${JSON.stringify(value) ?? "null"}}`, contentType: "application/json" };
    }),
  );
}

function bodies(valid: Record<string, unknown>): fc.Arbitrary<Body> {
  const contentTypes = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "application/xml", null, "application/json; charset=utf-16"];
  return fc.oneof(
    { arbitrary: mutated(valid), weight: 4 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }).map(json), weight: 2 },
    { arbitrary: fc.constantFrom(...rawTexts).map((bytes) => ({ bytes, contentType: "application/json" })), weight: 2 },
    { arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ bytes, contentType: "application/json" })), weight: 1 },
    { arbitrary: fc.string({ unit: "binary", maxLength: 200 }).map((bytes) => ({ bytes, contentType: "application/json" })), weight: 1 },
    { arbitrary: fc.constantFrom(...contentTypes).map((contentType) => ({ bytes: JSON.stringify(valid), contentType })), weight: 1 },
  );
}

/** A query string of the given names with arbitrary, huge, repeated or missing values. */
function queries(names: string[]): fc.Arbitrary<string> {
  const value = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("", "-1", "0", "1e400", "NaN", "Infinity", "9".repeat(400), "0x10", "1.5", "%", "%00", "__proto__"));
  const pair = fc.tuple(fc.constantFrom(...names, "__proto__", "constructor", "extra"), value);
  return fc.array(pair, { maxLength: 5 }).map((pairs) => {
    const params = new URLSearchParams();
    for (const [name, v] of pairs) params.append(name, v);
    return params.toString();
  });
}

type Target = { key: string; caller: (w: World, s: ParticipantSession) => Caller; path: (w: World, s: ParticipantSession) => string; params?: (w: World, s: ParticipantSession) => Record<string, string> };

describe("fuzzing the JSON endpoints (PGlite)", () => {
  let test: TestDatabase;
  let world: World;
  let participant: ParticipantSession;

  const owner = (w: World): Caller => ({ sessionUserId: w.owner.id });
  const admin = (w: World): Caller => ({ sessionUserId: w.admin.id });
  const asParticipant = (_w: World, s: ParticipantSession): Caller => ({ cookies: { [PARTICIPANT_COOKIE]: participantCookieValue(s.participantId, authSecret()) } });

  beforeAll(async () => {
    test = await createTestDatabase("pglite");
    fakeRequest.db = test.db;
    world = await buildWorld(test.db, { answeredSessions: 0 });
    participant = await world.participantSession();
  }, WORLD_BUILD_TIMEOUT_MS);
  afterAll(async () => test.cleanup());

  async function send(route: DiscoveredRoute, path: string, params: Record<string, string>, body: Body | null): Promise<Response> {
    const init: ConstructorParameters<typeof NextRequest>[1] & {} = { method: route.method };
    if (body) {
      init.body = body.bytes as BodyInit;
      if (body.contentType) init.headers = { "content-type": body.contentType };
    }
    return route.handler(callerRequest(`http://percept.test${path}`, init), { params: Promise.resolve(params) });
  }

  /** 2xx, or 4xx in the error shape; never 5xx. */
  async function expectHandled(response: Response, context: string) {
    const text = await response.text();
    expect(response.status, `${context} → ${response.status} ${text.slice(0, 300)} (FUZZ_SEED=${SEED})`).toBeLessThan(500);
    if (response.status >= 400) {
      expect(JSON.parse(text), `${context} (FUZZ_SEED=${SEED})`).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    }
  }

  const bodyTargets: (Target & { valid: (w: World, s: ParticipantSession) => Record<string, unknown> })[] = [
    { key: "POST /api/accounts", caller: () => ({}), path: () => "/api/accounts", valid: () => ({ name: "A", email: "fuzz@example.org", password: "plenty of entropy 42" }) },
    { key: "POST /api/admin/invitations", caller: admin, path: () => "/api/admin/invitations", valid: () => ({ email: "i@example.org", role: "RESEARCHER" }) },
    { key: "PATCH /api/admin/settings", caller: admin, path: () => "/api/admin/settings", valid: () => ({ openSignup: true }) },
    { key: "POST /api/image-sets", caller: owner, path: () => "/api/image-sets", valid: () => ({ name: "S", label: "REAL" }) },
    {
      key: "POST /api/image-sets/[id]/imports",
      caller: owner,
      path: (w) => `/api/image-sets/${w.study.generatedSetId}/imports`,
      params: (w) => ({ id: w.study.generatedSetId }),
      valid: () => ({ targetSize: 256 }),
    },
    { key: "POST /api/studies", caller: owner, path: () => "/api/studies", valid: () => ({ name: "S", description: "d", protocols: ["HYPE_TIME"] }) },
    {
      key: "PATCH /api/studies/[id]",
      caller: owner,
      path: (w) => `/api/studies/${w.study.id}`,
      params: (w) => ({ id: w.study.id }),
      valid: () => ({ description: "d", instructions: "i", feedback: true, qualificationDomain: null, recruitment: "OPEN_LINK" }),
    },
    {
      key: "PUT /api/studies/[id]/arms",
      caller: owner,
      path: (w) => `/api/studies/${w.study.id}/arms`,
      params: (w) => ({ id: w.study.id }),
      valid: (w) => ({ arms: [{ name: "A", generatedSetId: w.study.generatedSetId, targetEvaluators: 3 }] }),
    },
    {
      key: "POST /api/studies/[id]/status",
      caller: owner,
      path: (w) => `/api/studies/${w.study.id}/status`,
      params: (w) => ({ id: w.study.id }),
      valid: () => ({ action: "resume" }),
    },
    { key: "POST /api/tokens", caller: owner, path: () => "/api/tokens", valid: () => ({ name: "t" }) },
    { key: "POST /api/sessions", caller: asParticipant, path: () => "/api/sessions", valid: (w) => ({ linkCode: w.study.linkCode }) },
    {
      key: "POST /api/sessions/[id]/device",
      caller: asParticipant,
      path: (_w, s) => `/api/sessions/${s.sessionId}/device`,
      params: (_w, s) => ({ id: s.sessionId }),
      valid: () => TEST_DEVICE,
    },
    {
      key: "POST /api/sessions/[id]/answers",
      caller: asParticipant,
      path: (_w, s) => `/api/sessions/${s.sessionId}/answers`,
      params: (_w, s) => ({ id: s.sessionId }),
      valid: (_w, s) => answerFor(s.trial, "real", { flags: ["blur"] }),
    },
  ];

  it("covers every route that reads a JSON body", async () => {
    const { readFileSync } = await import("node:fs");
    const readers = [...routes.values()].filter((r) => /readJson\(request/.test(readFileSync(r.file, "utf8"))).map((r) => r.file);
    const covered = new Set(bodyTargets.map((t) => routes.get(t.key)!.file));
    expect([...new Set(readers)].filter((file) => !covered.has(file))).toEqual([]);
  });

  it.each(bodyTargets)("$key: any body → 2xx or 4xx in the error shape", async (target) => {
    const route = routes.get(target.key)!;
    await fc.assert(
      fc.asyncProperty(bodies(target.valid(world, participant)), async (body) => {
        fakeRequest.db = test.db;
        actAs(target.caller(world, participant));
        const response = await send(route, target.path(world, participant), target.params?.(world, participant) ?? {}, body);
        await expectHandled(response, `${target.key} with ${body.contentType} ${String(body.bytes).slice(0, 120)}`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("POST /api/studies/[id]/metrics: any `meta` text → 2xx or 4xx in the error shape", async () => {
    const route = routes.get("POST /api/studies/[id]/metrics")!;
    const valid = {
      modelHash: "b".repeat(64),
      imageSetId: world.study.realSetId,
      armId: null,
      settings: { resize: "tf1-bilinear", batchSize: 8, maxImages: 12, featureCap: 12, backend: "wasm", imagesDigest: "c".repeat(64) },
      results: null,
      error: "failed",
    };
    await fc.assert(
      fc.asyncProperty(bodies(valid), async (meta) => {
        actAs(owner(world));
        const form = new FormData();
        form.set("meta", typeof meta.bytes === "string" ? meta.bytes : new TextDecoder().decode(meta.bytes));
        const response = await route.handler(callerRequest(`http://percept.test/api/studies/${world.study.id}/metrics`, { method: "POST", body: form }), {
          params: Promise.resolve({ id: world.study.id }),
        });
        await expectHandled(response, `metrics meta ${String(meta.bytes).slice(0, 120)}`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });

  const queryTargets: (Target & { names: string[] })[] = [
    { key: "GET /api/image-sets/[id]", caller: owner, path: (w) => `/api/image-sets/${w.study.realSetId}`, params: (w) => ({ id: w.study.realSetId }), names: ["page"] },
    {
      key: "GET /api/studies/[id]/metrics/images",
      caller: owner,
      path: (w) => `/api/studies/${w.study.id}/metrics/images`,
      params: (w) => ({ id: w.study.id }),
      names: ["set", "max"],
    },
    { key: "GET /api/studies/[id]/scores", caller: owner, path: (w) => `/api/studies/${w.study.id}/scores`, params: (w) => ({ id: w.study.id }), names: ["seed", "resamples", "confidence"] },
  ];

  it.each(queryTargets)("$key: any query string → 2xx or 4xx in the error shape", async (target) => {
    const route = routes.get(target.key)!;
    await fc.assert(
      fc.asyncProperty(queries(target.names), async (query) => {
        actAs(target.caller(world, participant));
        // Small resample counts keep a valid scores query fast; the arbitrary may still ask for more.
        const path = `${target.path(world, participant)}?${query}`;
        const response = await send(route, path, target.params?.(world, participant) ?? {}, null);
        await expectHandled(response, `${target.key}?${query}`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });

  it("any path parameter of a GET route → 2xx or 4xx in the error shape", async () => {
    const withParams = [...routes.values()].filter((r) => r.method === "GET" && r.key.includes("[") && !r.key.includes("[..."));
    const segment = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom("x".repeat(10_000), "../../etc/passwd", "%00", "__proto__", "' OR 1=1 --", "\u0000", "a\u0000b", "\ud800"));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withParams), segment, fc.boolean(), async (route, value, asOwner) => {
        actAs(asOwner ? owner(world) : asParticipant(world, participant));
        const names = [...route.key.matchAll(/\[(\w+)\]/g)].map((m) => m[1]!);
        const params = Object.fromEntries(names.map((name) => [name, value]));
        // The handlers read the decoded params; the URL only carries the (absent) query.
        const response = await send(route, route.key.split(" ")[1]!.replace(/\[\w+\]/g, "p"), params, null);
        await expectHandled(response, `${route.key} with ${JSON.stringify(value).slice(0, 80)}`);
      }),
      { seed: SEED, numRuns: RUNS * 3, endOnFailure: true },
    );
  });
});
