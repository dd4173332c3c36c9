import { expect, test, type APIRequestContext } from "@playwright/test";

/**
 * The sign-in limiter keys on the address the production server vouches for (server.ts,
 * lib/auth/client-address.ts), so a guesser who writes a new X-Forwarded-For — or our own header —
 * on every attempt is still one client.
 */
async function attempt(request: APIRequestContext, email: string, forged: number): Promise<string | null> {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const response = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password: `not-the-password-${forged}`, json: "true" },
    headers: { "x-forwarded-for": `203.0.113.${forged}`, "x-percept-client-address": `198.51.100.${forged}` },
    maxRedirects: 0,
  });
  const { url } = (await response.json()) as { url: string };
  return new URL(url).searchParams.get("error");
}

test("a guesser rotating X-Forwarded-For is limited after the allowed attempts", async ({ request }) => {
  const email = `guesser-${Date.now()}@percept.local`;
  const verdicts: (string | null)[] = [];
  for (let i = 1; i <= 11; i++) verdicts.push(await attempt(request, email, i));
  // PERCEPT_SIGNIN_MAX_ATTEMPTS is 10 on the test server (the default).
  expect(verdicts.slice(0, 10)).toEqual(Array(10).fill("CredentialsSignin"));
  expect(verdicts[10]).toBe("RateLimited");
});
