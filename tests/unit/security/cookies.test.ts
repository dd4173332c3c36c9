import { createRequire } from "node:module";
import path from "node:path";
import { ResponseCookies } from "next/dist/server/web/spec-extension/cookies";
import { describe, expect, it } from "vitest";
import { participantCookieOptions, secureCookies } from "@/lib/auth/cookies";
import { PARTICIPANT_COOKIE } from "@/lib/sessions/participants";

// next-auth 4 exports no path to its cookie defaults; the file is what its handler uses with our
// `useSecureCookies` (lib/auth/options.ts).
const { defaultCookies } = createRequire(import.meta.url)(path.resolve("node_modules/next-auth/core/lib/cookie.js")) as {
  defaultCookies(secure: boolean): Record<"sessionToken" | "csrfToken", { name: string; options: Record<string, unknown> }>;
};

const production = { NODE_ENV: "production", PERCEPT_INSECURE_COOKIES: false } as const;
const insecureTestServer = { NODE_ENV: "production", PERCEPT_INSECURE_COOKIES: true } as const;
const development = { NODE_ENV: "development", PERCEPT_INSECURE_COOKIES: false } as const;

/** The Set-Cookie line Next.js writes for `cookies().set(name, value, options)`. */
function setCookieLine(options: ReturnType<typeof participantCookieOptions>): string {
  const headers = new Headers();
  new ResponseCookies(headers).set(PARTICIPANT_COOKIE, "participant-id.signature", options);
  return headers.get("set-cookie")!;
}

describe("cookies", () => {
  it("are Secure in production unless a plain-http test server asks otherwise", () => {
    expect(secureCookies(production)).toBe(true);
    expect(secureCookies(insecureTestServer)).toBe(false);
    expect(secureCookies(development)).toBe(false);
  });

  it("the participant cookie is HttpOnly, SameSite=Lax, Secure, for the whole site, 30 days", () => {
    const line = setCookieLine(participantCookieOptions(production));
    expect(line).toMatch(/^percept_participant=participant-id\.signature; /);
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; Secure/);
    expect(line).toMatch(/; SameSite=lax/i);
    expect(line).toMatch(/; Path=\/(;|$)/);
    expect(line).toMatch(/; Max-Age=2592000/);
    expect(setCookieLine(participantCookieOptions(insecureTestServer))).not.toMatch(/Secure/);
  });

  it("next-auth's session and CSRF cookies get the __Secure-/__Host- names and flags from the same rule", () => {
    const secure = defaultCookies(secureCookies(production));
    expect(secure.sessionToken).toEqual({
      name: "__Secure-next-auth.session-token",
      options: { httpOnly: true, sameSite: "lax", path: "/", secure: true },
    });
    expect(secure.csrfToken.name).toBe("__Host-next-auth.csrf-token");
    expect(secure.csrfToken.options).toMatchObject({ httpOnly: true, secure: true });
    const plain = defaultCookies(secureCookies(insecureTestServer));
    expect(plain.sessionToken).toEqual({ name: "next-auth.session-token", options: { httpOnly: true, sameSite: "lax", path: "/", secure: false } });
  });
});
