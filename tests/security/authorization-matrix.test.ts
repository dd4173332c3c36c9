import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { authSecret } from "@/lib/auth/secret";
import { PARTICIPANT_COOKIE, participantCookieValue } from "@/lib/sessions/participants";
import { actAs, fakeRequest, standInForCommonJs, type Caller, callerRequest } from "../support/fake-request";
import { createTestDatabase, targetKinds, type TestDatabase } from "../support/test-db";
import { ACTION_MATRIX, ROLES, ROUTE_MATRIX, type Call, type Outcome, type RoleName } from "./authorization-table";
import { discoverRoutes, discoverServerActions } from "./discover";
import { buildWorld, WORLD_BUILD_TIMEOUT_MS, type World } from "./world";

vi.mock("next/headers", async () => (await import("../support/fake-request")).nextHeadersModule);
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: (await import("../support/fake-request")).getServerSession,
}));
vi.mock("@/lib/db", async (importOriginal) => ({ ...(await importOriginal<typeof import("@/lib/db")>()), getDb: (await import("../support/fake-request")).getDb }));

standInForCommonJs();
const routes = await discoverRoutes();
const actions = await discoverServerActions();
const routeByKey = new Map(routes.map((found) => [found.key, found]));
const actionByKey = new Map(actions.map((found) => [found.key, found]));

function callerFor(world: World, role: RoleName, call: Call, defaultParticipantId: string): Caller {
  switch (role) {
    case "anonymous":
      return {};
    case "participant":
      return { cookies: { [PARTICIPANT_COOKIE]: participantCookieValue(call.participantId ?? defaultParticipantId, authSecret()) } };
    case "annotator":
      return { sessionUserId: world.annotator.id };
    case "owner":
      return { sessionUserId: world.owner.id };
    case "otherResearcher":
      return { sessionUserId: world.otherResearcher.id };
    case "admin":
      return { sessionUserId: world.admin.id };
  }
}

function requestFor(method: string, call: Call): NextRequest {
  const body = call.json !== undefined ? JSON.stringify(call.json) : call.body;
  const headers = call.json !== undefined ? { "content-type": "application/json" } : undefined;
  return callerRequest(`http://percept.test${call.path}`, { method, body, headers });
}

/** A server action's outcome as the browser would see it: a redirect, or the error's status. */
async function actionOutcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    await run();
    return 200;
  } catch (error) {
    if (String((error as { digest?: unknown }).digest ?? "").startsWith("NEXT_REDIRECT")) return "redirect";
    if (error instanceof ApiError) return error.status;
    throw error;
  }
}

describe("the authorization table", () => {
  it("names every route handler and server action in the code, and nothing else", () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(actions.length).toBeGreaterThan(0);
    expect(routes.map((found) => found.key).filter((key) => !(key in ROUTE_MATRIX))).toEqual([]);
    expect(Object.keys(ROUTE_MATRIX).filter((key) => !routeByKey.has(key))).toEqual([]);
    expect(actions.map((found) => found.key).filter((key) => !(key in ACTION_MATRIX))).toEqual([]);
    expect(Object.keys(ACTION_MATRIX).filter((key) => !actionByKey.has(key))).toEqual([]);
  });
});

describe.each(targetKinds())("authorization on %s", (kind) => {
  let test: TestDatabase;
  let world: World;
  let defaultParticipantId: string;

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    fakeRequest.db = test.db;
    world = await buildWorld(test.db);
    defaultParticipantId = (await world.participantSession()).participantId;
  }, WORLD_BUILD_TIMEOUT_MS);
  afterAll(async () => test.cleanup());

  const routeRows = Object.entries(ROUTE_MATRIX).flatMap(([key, entry]) => ROLES.map((role) => ({ key, role, expected: entry.expect[role] })));
  it.each(routeRows)("$key as $role → $expected", async ({ key, role, expected }) => {
    fakeRequest.db = test.db;
    const route = routeByKey.get(key)!;
    const call = await ROUTE_MATRIX[key]!.call(world);
    actAs(callerFor(world, role, call, defaultParticipantId));
    const response = await route.handler(requestFor(route.method, call), { params: Promise.resolve(call.params ?? {}) });
    const text = await response.text();
    expect({ status: response.status, body: text.slice(0, 300) }).toMatchObject({ status: expected });
    if (response.status >= 400 && !key.includes("[...nextauth]")) {
      expect(JSON.parse(text)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    }
  });

  const actionRows = Object.entries(ACTION_MATRIX).flatMap(([key, entry]) => ROLES.map((role) => ({ key, role, expected: entry.expect[role] })));
  it.each(actionRows)("$key as $role → $expected", async ({ key, role, expected }) => {
    fakeRequest.db = test.db;
    actAs(callerFor(world, role, { path: "" }, defaultParticipantId));
    const outcome = await actionOutcome(() => actionByKey.get(key)!.action(ACTION_MATRIX[key]!.form(world)));
    expect(outcome).toBe(expected);
  });
});
