import { NextRequest } from "next/server";
import { vi } from "vitest";

/**
 * The annotator API's real route handlers for integration tests. Only the process-wide database
 * client is stood in for; requests built here carry `annotatorRequest.cookie` as the participant
 * cookie. Set `annotatorRequest.db` and `.cookie`; import this module before anything that
 * imports `@/lib/db`.
 */
export const annotatorRequest: { db: unknown; cookie: string | undefined } = { db: null, cookie: undefined };

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

/** The Cookie header of the participant set in `annotatorRequest.cookie`, if any. */
function cookieHeader(): Record<string, string> {
  return annotatorRequest.cookie ? { cookie: `percept_participant=${encodeURIComponent(annotatorRequest.cookie)}` } : {};
}

export const post = (path: string, body?: unknown) =>
  new NextRequest(`http://percept.test${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...cookieHeader() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** The route context of a session or a stimulus URL. */
export const sessionContext = (id: string) => ({ params: Promise.resolve({ id }) });
export const stimulusContext = (url: string) => ({ params: Promise.resolve({ token: url.split("/").pop()! }) });
export const get = (url: string) => new NextRequest(`http://percept.test${url}`, { headers: cookieHeader() });
