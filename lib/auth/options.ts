import { PrismaAdapter } from "@auth/prisma-adapter";
import type { AuthOptions } from "next-auth";
import type { Adapter } from "next-auth/adapters";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { CLIENT_ADDRESS_HEADER } from "@/lib/auth/client-address";
import { secureCookies } from "@/lib/auth/cookies";
import { verifyAgainstDecoy, verifyPassword } from "@/lib/auth/password";
import { RateLimiter } from "@/lib/auth/rate-limit";
import { authSecret } from "@/lib/auth/secret";
import { signInSchema } from "@/lib/validations/auth";

/** Sign-in errors the sign-in page knows how to explain. */
export const SIGNIN_ERRORS = { invalid: "CredentialsSignin", rateLimited: "RateLimited" } as const;

let limiter: RateLimiter | undefined;
function signInLimiter(): RateLimiter {
  const env = getEnv();
  limiter ??= new RateLimiter(env.PERCEPT_SIGNIN_MAX_ATTEMPTS, env.PERCEPT_SIGNIN_WINDOW_SECONDS * 1000);
  return limiter;
}

/** Set by the production server (lib/auth/client-address.ts); `next dev` has none: one bucket. */
function clientAddress(headers: Record<string, string | string[] | undefined> | undefined): string {
  const address = headers?.[CLIENT_ADDRESS_HEADER];
  return (Array.isArray(address) ? address[0] : address) || "local";
}

/**
 * The adapter keeps Auth.js's tables (accounts, sessions, verification tokens) for providers we
 * may add; it is built on first use so that importing this module never opens the database.
 */
function lazyPrismaAdapter(): Adapter {
  let adapter: Adapter | undefined;
  return new Proxy({} as Adapter, {
    get(_target, property) {
      adapter ??= PrismaAdapter(getDb()) as unknown as Adapter;
      return adapter[property as keyof Adapter];
    },
  });
}

export function authOptions(): AuthOptions {
  return {
    adapter: lazyPrismaAdapter(),
    secret: authSecret(),
    // Credentials sign-in requires JWT sessions in next-auth 4; the guard re-reads the user on every request.
    session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
    // Decided here, not from NEXTAUTH_URL's scheme: behind a TLS proxy without it, next-auth would
    // otherwise set the session cookie without the Secure flag.
    useSecureCookies: secureCookies(getEnv()),
    pages: { signIn: "/signin", error: "/signin" },
    logger: {
      // We never rely on NEXTAUTH_URL (sign-in and sign-out do not redirect server-side): drop its warning.
      warn: (code) => {
        if (code !== "NEXTAUTH_URL") console.warn(`[next-auth] ${code}`);
      },
      error: (code, metadata) => console.error(`[next-auth] ${code}`, metadata),
      debug: () => {},
    },
    providers: [
      CredentialsProvider({
        name: "E-mail and password",
        credentials: { email: { type: "email" }, password: { type: "password" } },
        async authorize(credentials, request) {
          const parsed = signInSchema.safeParse(credentials);
          if (!parsed.success) return null;
          const { email, password } = parsed.data;
          // Every attempt counts until one succeeds: a guesser is stopped, a person who signs in
          // often (or a test suite) is not.
          const key = `${clientAddress(request?.headers)}|${email}`;
          const verdict = signInLimiter().hit(key);
          if (!verdict.allowed) throw new Error(SIGNIN_ERRORS.rateLimited);
          const user = await getDb().user.findUnique({ where: { email } });
          const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDecoy(password);
          if (!user || !ok) return null;
          signInLimiter().reset(key);
          return { id: user.id, email: user.email, name: user.name, role: user.role };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) token.sub = user.id;
        return token;
      },
      session({ session, token }) {
        if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
        return session;
      },
    },
  };
}
