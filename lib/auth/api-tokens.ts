import { ApiError, notFound } from "@/lib/api/errors";
import type { Db, Role } from "@/lib/db";
import { newSecret, sha256 } from "@/lib/auth/tokens";
import type { CreateApiTokenInput } from "@/lib/validations/api-token";

/**
 * Personal API tokens: `pct_` + 43 base64url characters (32 random bytes). The prefix makes a
 * leaked token recognisable in logs and to secret scanners; only its sha256 is stored, so the
 * secret is shown once, at creation.
 */
export const TOKEN_PREFIX = "pct_";
const SECRET_BYTES = 32;
export const TOKEN_PATTERN = /^pct_[A-Za-z0-9_-]{43}$/;

/** lastUsedAt is written at most once per this interval per token (no write on every request). */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Active (unrevoked) tokens per user; a runaway script should not mint thousands. */
export const MAX_ACTIVE_TOKENS = 20;

/** How many tokens (newest first, revoked included) the list shows. */
const LIST_LIMIT = 100;

export type ApiTokenView = { id: string; name: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };
export type TokenUser = { id: string; email: string; name: string | null; role: Role };

const view = { id: true, name: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

export function newApiTokenSecret(): string {
  return TOKEN_PREFIX + newSecret(SECRET_BYTES);
}

export function isApiTokenFormat(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/**
 * The token of an `Authorization: Bearer <token>` header; null when the header is absent or uses
 * another scheme (e.g. Basic from a proxy in front of the app), so that the session still applies.
 * A Bearer header with an empty value is returned as "" and is refused by the caller.
 */
export function bearerToken(authorization: string | null | undefined): string | null {
  if (!authorization) return null;
  const match = /^\s*Bearer(?:\s+(.*))?$/i.exec(authorization);
  if (!match) return null;
  return (match[1] ?? "").trim();
}

export async function createApiToken(db: Db, userId: string, input: CreateApiTokenInput): Promise<{ token: ApiTokenView; secret: string }> {
  const active = await db.apiToken.count({ where: { userId, revokedAt: null } });
  if (active >= MAX_ACTIVE_TOKENS) {
    throw new ApiError("CONFLICT", `You already have ${MAX_ACTIVE_TOKENS} active API tokens; revoke one first.`);
  }
  const secret = newApiTokenSecret();
  const token = await db.apiToken.create({ data: { userId, name: input.name, tokenHash: sha256(secret) }, select: view });
  return { token, secret };
}

/** The user's tokens, newest first, revoked ones included (with revokedAt); never a hash. */
export async function listApiTokens(db: Db, userId: string): Promise<ApiTokenView[]> {
  return db.apiToken.findMany({ where: { userId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: LIST_LIMIT, select: view });
}

/** Revokes one of the user's tokens; idempotent. Another user's token is a 404, as if it did not exist. */
export async function revokeApiToken(db: Db, userId: string, id: string, now = new Date()): Promise<ApiTokenView> {
  await db.apiToken.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: now } });
  const token = await db.apiToken.findFirst({ where: { id, userId }, select: view });
  if (!token) throw notFound("API token");
  return token;
}

/**
 * The user behind a token, or null when it is malformed, unknown or revoked. Marks the token used
 * when its lastUsedAt is older than LAST_USED_RESOLUTION_MS (one conditional write, so concurrent
 * requests do not all write).
 */
export async function authenticateApiToken(db: Db, secret: string, now = new Date()): Promise<TokenUser | null> {
  if (!isApiTokenFormat(secret)) return null;
  const token = await db.apiToken.findUnique({
    where: { tokenHash: sha256(secret) },
    select: { id: true, revokedAt: true, lastUsedAt: true, user: { select: { id: true, email: true, name: true, role: true } } },
  });
  if (!token || token.revokedAt) return null;
  const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  if (!token.lastUsedAt || token.lastUsedAt <= stale) {
    await db.apiToken.updateMany({
      where: { id: token.id, revokedAt: null, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: stale } }] },
      data: { lastUsedAt: now },
    });
  }
  return token.user;
}

/**
 * Token management is for a signed-in person only: a request carrying a Bearer token is refused
 * (403) before the session is looked at, so a leaked token cannot mint more tokens or hide itself.
 */
export function assertNoBearerToken(request: Request): void {
  if (bearerToken(request.headers.get("authorization")) !== null) {
    throw new ApiError("FORBIDDEN", "API tokens cannot manage API tokens; sign in and use /settings.");
  }
}
