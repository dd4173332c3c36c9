import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "@/lib/api/errors";
import {
  authenticateApiToken,
  createApiToken,
  LAST_USED_RESOLUTION_MS,
  listApiTokens,
  MAX_ACTIVE_TOKENS,
  revokeApiToken,
  TOKEN_PATTERN,
} from "@/lib/auth/api-tokens";
import { sha256 } from "@/lib/auth/tokens";
import { Role, type Db } from "@/lib/db";
import { createApiTokenSchema } from "@/lib/validations/api-token";
import { createTestDatabase, targetKinds, type TestDatabase } from "../support/test-db";

// The guard and the routes run for real on the test database; only the request (headers), the
// next-auth session and the process-wide client are stood in for.
const request = vi.hoisted(() => ({ db: null as unknown, headers: new Headers(), sessionUserId: null as string | null }));
vi.mock("next/headers", () => ({
  headers: async () => request.headers,
  cookies: async () => ({ get: () => undefined }),
}));
vi.mock("next-auth", () => ({
  getServerSession: async () => (request.sessionUserId ? { user: { id: request.sessionUserId } } : null),
}));
vi.mock("@/lib/db", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/db")>()),
  getDb: () => request.db,
}));

const { requireApiUser, RESEARCHER_ROLES } = await import("@/lib/auth/guard");
const tokensRoute = await import("@/app/api/tokens/route");
const tokenRoute = await import("@/app/api/tokens/[id]/route");
const studiesRoute = await import("@/app/api/studies/route");

const named = (name: string) => createApiTokenSchema.parse({ name });

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

/** Sets what the next guard call sees: a Bearer token, a session, both or neither. */
function as(options: { bearer?: string; authorization?: string; sessionUserId?: string | null }) {
  request.headers = new Headers();
  if (options.bearer !== undefined) request.headers.set("authorization", `Bearer ${options.bearer}`);
  if (options.authorization !== undefined) request.headers.set("authorization", options.authorization);
  request.sessionUserId = options.sessionUserId ?? null;
}

function apiRequest(path: string, init: RequestInit = {}): Request {
  const headers = new Headers(request.headers);
  if (init.body !== undefined) headers.set("content-type", "application/json");
  return new Request(`http://percept.test${path}`, { ...init, headers });
}

describe.each(targetKinds())("API tokens on %s", (kind) => {
  let test: TestDatabase;
  let alice: { id: string };
  let bob: { id: string };
  let anna: { id: string };

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    request.db = test.db;
    const make = (email: string, role: Role) => test.db.user.create({ data: { email, role, name: email }, select: { id: true } });
    [alice, bob, anna] = await Promise.all([
      make("alice@example.org", Role.RESEARCHER),
      make("bob@example.org", Role.RESEARCHER),
      make("anna@example.org", Role.ANNOTATOR),
    ]);
  });
  afterAll(async () => test.cleanup());
  beforeEach(() => as({}));

  describe("service", () => {
    it("returns a pct_ secret once and stores only its sha256", async () => {
      const { token, secret } = await createApiToken(test.db, alice.id, named("  CI  "));
      expect(secret).toMatch(TOKEN_PATTERN);
      expect(token).toEqual({ id: expect.any(String), name: "CI", createdAt: expect.any(Date), lastUsedAt: null, revokedAt: null });
      const row = await test.db.apiToken.findUniqueOrThrow({ where: { id: token.id } });
      expect(row.tokenHash).toBe(sha256(secret));
      expect(JSON.stringify(row)).not.toContain(secret.slice(4));
      const listed = await listApiTokens(test.db, alice.id);
      expect(listed.map((t) => t.id)).toContain(token.id);
      expect(JSON.stringify(listed)).not.toContain("tokenHash");
    });

    it("two tokens never share a secret", async () => {
      const [a, b] = await Promise.all([createApiToken(test.db, alice.id, named("a")), createApiToken(test.db, alice.id, named("b"))]);
      expect(a.secret).not.toBe(b.secret);
    });

    it("authenticates a live token as its user and refuses unknown, malformed and revoked ones", async () => {
      const { token, secret } = await createApiToken(test.db, alice.id, named("laptop"));
      expect(await authenticateApiToken(test.db, secret)).toEqual({ id: alice.id, email: "alice@example.org", name: "alice@example.org", role: Role.RESEARCHER });
      expect(await authenticateApiToken(test.db, `pct_${"A".repeat(43)}`)).toBeNull();
      expect(await authenticateApiToken(test.db, secret.slice(4))).toBeNull();
      expect(await authenticateApiToken(test.db, `${secret}x`)).toBeNull();
      expect(await authenticateApiToken(test.db, "")).toBeNull();
      const revoked = await revokeApiToken(test.db, alice.id, token.id);
      expect(revoked.revokedAt).toBeInstanceOf(Date);
      expect(await authenticateApiToken(test.db, secret)).toBeNull();
    });

    it("revoking is idempotent and keeps the first revocation time", async () => {
      const { token } = await createApiToken(test.db, alice.id, named("twice"));
      const first = await revokeApiToken(test.db, alice.id, token.id, new Date("2030-01-01T00:00:00Z"));
      const second = await revokeApiToken(test.db, alice.id, token.id, new Date("2030-02-01T00:00:00Z"));
      expect(second.revokedAt).toEqual(first.revokedAt);
      expect(second.revokedAt?.toISOString()).toBe("2030-01-01T00:00:00.000Z");
    });

    it("another user's token is not found, and is left alive", async () => {
      const { token, secret } = await createApiToken(test.db, alice.id, named("mine"));
      const error = await failure(revokeApiToken(test.db, bob.id, token.id));
      expect(error.code).toBe("NOT_FOUND");
      expect(await authenticateApiToken(test.db, secret)).not.toBeNull();
      expect((await listApiTokens(test.db, bob.id)).map((t) => t.id)).not.toContain(token.id);
    });

    it("writes lastUsedAt at most once a minute", async () => {
      const { token, secret } = await createApiToken(test.db, alice.id, named("poller"));
      const lastUsed = async () => (await test.db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt?.getTime();
      const t0 = new Date("2031-05-01T12:00:00Z").getTime();
      await authenticateApiToken(test.db, secret, new Date(t0));
      expect(await lastUsed()).toBe(t0);
      await authenticateApiToken(test.db, secret, new Date(t0 + LAST_USED_RESOLUTION_MS - 1));
      expect(await lastUsed()).toBe(t0);
      await Promise.all([1, 2, 3].map(() => authenticateApiToken(test.db, secret, new Date(t0 + LAST_USED_RESOLUTION_MS + 5))));
      expect(await lastUsed()).toBe(t0 + LAST_USED_RESOLUTION_MS + 5);
    });

    it(`caps active tokens at ${MAX_ACTIVE_TOKENS} per user; revoking one frees a place`, async () => {
      const user = await test.db.user.create({ data: { email: "busy@example.org", role: Role.RESEARCHER }, select: { id: true } });
      const made = [];
      for (let i = 0; i < MAX_ACTIVE_TOKENS; i++) made.push(await createApiToken(test.db, user.id, named(`t${i}`)));
      expect((await failure(createApiToken(test.db, user.id, named("one more")))).code).toBe("CONFLICT");
      await revokeApiToken(test.db, user.id, made[0]!.token.id);
      expect((await createApiToken(test.db, user.id, named("one more"))).secret).toMatch(TOKEN_PATTERN);
    });

    it("a deleted user's tokens go with them", async () => {
      const user = await test.db.user.create({ data: { email: "gone@example.org", role: Role.RESEARCHER }, select: { id: true } });
      const { secret } = await createApiToken(test.db, user.id, named("soon gone"));
      await test.db.user.delete({ where: { id: user.id } });
      expect(await authenticateApiToken(test.db, secret)).toBeNull();
    });
  });

  describe("requireApiUser", () => {
    it("accepts a Bearer token as its user, with a fresh role from the database", async () => {
      const { secret } = await createApiToken(test.db, alice.id, named("guard"));
      as({ bearer: secret });
      expect((await requireApiUser(RESEARCHER_ROLES)).id).toBe(alice.id);
      as({ authorization: `bearer   ${secret}  ` });
      expect((await requireApiUser(RESEARCHER_ROLES)).id).toBe(alice.id);
    });

    it("an unknown, malformed, empty or revoked token is a 401 even with a session cookie", async () => {
      const { token, secret } = await createApiToken(test.db, alice.id, named("to revoke"));
      await revokeApiToken(test.db, alice.id, token.id);
      for (const bearer of [secret, `pct_${"B".repeat(43)}`, "not-a-token", ""]) {
        as({ bearer, sessionUserId: alice.id });
        const error = await failure(requireApiUser(RESEARCHER_ROLES));
        expect(error.status).toBe(401);
        expect(error.code).toBe("UNAUTHENTICATED");
        expect(error.headers["WWW-Authenticate"]).toContain("invalid_token");
      }
    });

    it("an annotator's token is a 403, like their session", async () => {
      const { secret } = await createApiToken(test.db, anna.id, named("annotator"));
      as({ bearer: secret });
      expect((await failure(requireApiUser(RESEARCHER_ROLES))).code).toBe("FORBIDDEN");
    });

    it("keeps the session path, and ignores other Authorization schemes", async () => {
      as({ sessionUserId: bob.id });
      expect((await requireApiUser(RESEARCHER_ROLES)).id).toBe(bob.id);
      as({ authorization: "Basic dXNlcjpwYXNz", sessionUserId: bob.id });
      expect((await requireApiUser(RESEARCHER_ROLES)).id).toBe(bob.id);
      as({});
      expect((await failure(requireApiUser(RESEARCHER_ROLES))).code).toBe("UNAUTHENTICATED");
    });
  });

  describe("routes", () => {
    it("a session creates, lists and revokes tokens; the secret appears only in the creation answer", async () => {
      as({ sessionUserId: bob.id });
      const created = await tokensRoute.POST(apiRequest("/api/tokens", { method: "POST", body: JSON.stringify({ name: "notebook" }) }));
      expect(created.status).toBe(201);
      const { token, secret } = (await created.json()) as { token: { id: string; name: string }; secret: string };
      expect(secret).toMatch(TOKEN_PATTERN);
      expect(token.name).toBe("notebook");

      const listed = await tokensRoute.GET(apiRequest("/api/tokens"));
      const text = await listed.text();
      expect(JSON.parse(text).tokens).toEqual([expect.objectContaining({ id: token.id, name: "notebook", revokedAt: null })]);
      expect(text).not.toContain(secret);

      const revoked = await tokenRoute.DELETE(apiRequest(`/api/tokens/${token.id}`, { method: "DELETE" }), { params: Promise.resolve({ id: token.id }) });
      expect(revoked.status).toBe(200);
      expect((await revoked.json()).token.revokedAt).toEqual(expect.any(String));
    });

    it("a token can use the researcher API but cannot mint, list or revoke tokens", async () => {
      const { token, secret } = await createApiToken(test.db, bob.id, named("script"));
      as({ bearer: secret });
      const study = await studiesRoute.POST(apiRequest("/api/studies", { method: "POST", body: JSON.stringify({ name: "From a script" }) }));
      expect(study.status).toBe(201);
      expect((await study.json()).study.ownerId).toBe(bob.id);

      const before = await test.db.apiToken.count({ where: { userId: bob.id } });
      const responses = [
        await tokensRoute.POST(apiRequest("/api/tokens", { method: "POST", body: JSON.stringify({ name: "more" }) })),
        await tokensRoute.GET(apiRequest("/api/tokens")),
        await tokenRoute.DELETE(apiRequest(`/api/tokens/${token.id}`, { method: "DELETE" }), { params: Promise.resolve({ id: token.id }) }),
      ];
      for (const response of responses) {
        expect(response.status).toBe(403);
        expect(await response.json()).toEqual({ error: { code: "FORBIDDEN", message: expect.stringContaining("API tokens cannot manage") } });
      }
      expect(await test.db.apiToken.count({ where: { userId: bob.id } })).toBe(before);
      expect(await authenticateApiToken(test.db as Db, secret)).not.toBeNull();
    });

    it("a revoked token gets the standard 401 from the researcher API", async () => {
      const { token, secret } = await createApiToken(test.db, bob.id, named("short-lived"));
      await revokeApiToken(test.db, bob.id, token.id);
      as({ bearer: secret });
      const response = await studiesRoute.GET();
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain("Bearer");
      expect(await response.json()).toEqual({ error: { code: "UNAUTHENTICATED", message: expect.any(String) } });
    });

    it("an empty or unknown name is a 400 naming the field", async () => {
      as({ sessionUserId: bob.id });
      const response = await tokensRoute.POST(apiRequest("/api/tokens", { method: "POST", body: JSON.stringify({ name: " " }) }));
      expect(response.status).toBe(400);
      expect((await response.json()).error.message).toBe("name: is required");
      const extra = await tokensRoute.POST(apiRequest("/api/tokens", { method: "POST", body: JSON.stringify({ name: "x", userId: alice.id }) }));
      expect((await extra.json()).error.message).toContain('unknown field(s) "userId"');
    });
  });
});
