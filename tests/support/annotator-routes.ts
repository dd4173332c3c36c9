import { vi } from "vitest";

/**
 * The annotator API's real route handlers for integration tests. Only the request's cookie jar and
 * the process-wide database client are stood in for: set `annotatorRequest.db` and `.cookie`.
 * Import this module before anything that imports `@/lib/db`.
 */
export const annotatorRequest: { db: unknown; cookie: string | undefined } = { db: null, cookie: undefined };

vi.mock("next/headers", () => ({
  headers: async () => new Headers(),
  cookies: async () => ({
    get: (name: string) => (name === "percept_participant" && annotatorRequest.cookie ? { name, value: annotatorRequest.cookie } : undefined),
  }),
}));
vi.mock("@/lib/db", async (importOriginal) => ({ ...(await importOriginal<typeof import("@/lib/db")>()), getDb: () => annotatorRequest.db }));

export async function annotatorRoutes() {
  return {
    sessions: await import("@/app/api/sessions/route"),
    device: await import("@/app/api/sessions/[id]/device/route"),
    next: await import("@/app/api/sessions/[id]/next/route"),
    answers: await import("@/app/api/sessions/[id]/answers/route"),
    stimulus: await import("@/app/api/stimuli/[token]/route"),
  };
}

export const post = (path: string, body?: unknown) =>
  new Request(`http://percept.test${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

/** The route context of a session or a stimulus URL. */
export const sessionContext = (id: string) => ({ params: Promise.resolve({ id }) });
export const stimulusContext = (url: string) => ({ params: Promise.resolve({ token: url.split("/").pop()! }) });
export const get = (url: string) => new Request(`http://percept.test${url}`);
