/** The annotator's calls to the server; every failure carries the API's message. */
import type { SessionView, TrialSpec } from "@/lib/sessions/contract";

export type { SessionView };

export type NextResponse = { trial: TrialSpec } | { done: true; session: SessionView };

export class SessionApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

async function call<T>(url: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new SessionApiError("The connection dropped. Your answers are kept; we retry when you are back online.", null);
  }
  const payload = (await response.json().catch(() => null)) as ({ error?: { message?: string } } & T) | null;
  if (!response.ok || !payload) throw new SessionApiError(payload?.error?.message ?? `The server answered ${response.status}.`, response.status);
  return payload;
}

export const startSession = (linkCode: string) => call<{ session: SessionView }>("/api/sessions", { linkCode });
export const reportDevice = (sessionId: string, report: Record<string, unknown>) =>
  call<{ session: SessionView }>(`/api/sessions/${sessionId}/device`, report);
export const fetchNext = (sessionId: string) => call<NextResponse>(`/api/sessions/${sessionId}/next`);
