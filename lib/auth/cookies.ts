import type { Env } from "@/lib/env";
import { PARTICIPANT_COOKIE_MAX_AGE_S } from "@/lib/sessions/participants";

/** Secure cookies in production; plain http only for test servers that ask for it (on loopback). */
export function secureCookies(env: Pick<Env, "NODE_ENV" | "PERCEPT_INSECURE_COOKIES">): boolean {
  return env.NODE_ENV === "production" && !env.PERCEPT_INSECURE_COOKIES;
}

/**
 * The signed participant cookie: never readable by scripts, sent on top-level navigations from
 * another site (a Prolific redirect lands signed in) but not on cross-site subrequests.
 */
export function participantCookieOptions(env: Pick<Env, "NODE_ENV" | "PERCEPT_INSECURE_COOKIES">) {
  return { httpOnly: true, sameSite: "lax", secure: secureCookies(env), path: "/", maxAge: PARTICIPANT_COOKIE_MAX_AGE_S } as const;
}
