import { createRequire } from "node:module";
import { NextRequest } from "next/server";

/**
 * The request context that route handlers and server actions read through next/headers and
 * next-auth, stood in for so that they run for real in vitest against a test database. A test
 * file wires it with three vi.mock calls (see tests/security/*.test.ts) and then sets, before each
 * call, who is asking: a session user, a Bearer header, a participant cookie, or nobody.
 */
export const fakeRequest = {
  db: null as unknown,
  headers: new Headers(),
  sessionUserId: null as string | null,
  cookies: new Map<string, string>(),
};

export type Caller = { sessionUserId?: string | null; cookies?: Record<string, string>; headers?: Record<string, string> };

/** Who the next call comes from; anything not given is absent. */
export function actAs(caller: Caller): void {
  fakeRequest.sessionUserId = caller.sessionUserId ?? null;
  fakeRequest.cookies = new Map(Object.entries(caller.cookies ?? {}));
  fakeRequest.headers = new Headers(caller.headers ?? {});
}

/**
 * A request from the current caller: their cookies (actAs) travel in its Cookie header, as a
 * browser sends them. The annotator API reads the participant cookie from the request itself.
 */
export function callerRequest(url: string, init: ConstructorParameters<typeof NextRequest>[1] = {}): NextRequest {
  const headers = new Headers(init.headers);
  if (fakeRequest.cookies.size > 0) {
    headers.set("cookie", [...fakeRequest.cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("; "));
  }
  return new NextRequest(url, { ...init, headers });
}

/** The `next/headers` module as the handlers see it. */
export const nextHeadersModule = {
  headers: async () => fakeRequest.headers,
  cookies: async () => ({
    get: (name: string) => (fakeRequest.cookies.has(name) ? { name, value: fakeRequest.cookies.get(name)! } : undefined),
    has: (name: string) => fakeRequest.cookies.has(name),
    getAll: () => [...fakeRequest.cookies].map(([name, value]) => ({ name, value })),
    set: (name: string, value: string) => void fakeRequest.cookies.set(name, value),
    delete: (name: string) => void fakeRequest.cookies.delete(name),
  }),
};

/** next-auth's session lookup, answering with the user set by actAs. */
export async function getServerSession() {
  return fakeRequest.sessionUserId ? { user: { id: fakeRequest.sessionUserId } } : null;
}

export const getDb = () => fakeRequest.db;

/**
 * next-auth's route handler is CommonJS that vitest does not transform: it `require`s next/headers
 * past vi.mock. The same stand-in goes into Node's require cache for it.
 */
export function standInForCommonJs(): void {
  const nodeRequire = createRequire(import.meta.url);
  const file = nodeRequire.resolve("next/headers");
  nodeRequire.cache[file] = { id: file, filename: file, loaded: true, exports: nextHeadersModule } as NodeJS.Module;
}
