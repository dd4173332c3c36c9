import { ApiError } from "@/lib/api/errors";
import { RateLimiter } from "@/lib/auth/rate-limit";
import { getEnv, type Env } from "@/lib/env";

/**
 * Budgets of the annotator API per participant and minute. A person needs at least the 1.5 s
 * countdown plus a key press per trial (at most ~40 answers a minute); the budgets are above that,
 * with room for reloads and the answer queue's retries, and far below what a script can send.
 */
export type AnnotatorEndpoint = "answers" | "trials" | "stimuli";

const BUDGET_VARIABLE = {
  answers: "PERCEPT_ANSWERS_PER_MINUTE",
  trials: "PERCEPT_TRIALS_PER_MINUTE",
  stimuli: "PERCEPT_STIMULI_PER_MINUTE",
} as const satisfies Record<AnnotatorEndpoint, keyof Env>;

const WINDOW_MS = 60_000;
const limiters = new Map<AnnotatorEndpoint, RateLimiter | null>();

function limiterFor(endpoint: AnnotatorEndpoint): RateLimiter | null {
  if (!limiters.has(endpoint)) {
    const budget = getEnv()[BUDGET_VARIABLE[endpoint]];
    // Read the clock at each request (not a reference to Date.now taken once), so a test can move it.
    limiters.set(endpoint, budget > 0 ? new RateLimiter(budget, WINDOW_MS, () => Date.now()) : null);
  }
  return limiters.get(endpoint)!;
}

/** Counts one request of a participant; a 429 with Retry-After once their budget is spent. */
export function limitAnnotator(endpoint: AnnotatorEndpoint, participantId: string): void {
  const verdict = limiterFor(endpoint)?.hit(participantId);
  if (!verdict || verdict.allowed) return;
  throw new ApiError("RATE_LIMITED", `Too many requests; try again in ${verdict.retryAfterSeconds} s.`, {
    "Retry-After": String(verdict.retryAfterSeconds),
  });
}
