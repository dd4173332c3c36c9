import { randomBytes } from "node:crypto";
import { sign, unsign } from "@/lib/auth/signed-value";

/** How long a stimulus URL works after it is issued (a reload re-issues it). */
export const STIMULUS_TOKEN_TTL_MS = 10 * 60_000;

/** Opaque: 32 random bytes, the same shape for every stimulus whatever its label. */
export function newStimulusToken(): string {
  return randomBytes(32).toString("base64url");
}

const MASK_PURPOSE = "mask";

/** Masks need no row per trial: a signed (mask, session, expiry) triple, also opaque to the browser. */
export function maskToken(secret: string, maskId: string, sessionId: string, expiresAt: number): string {
  return Buffer.from(sign(`${maskId}:${sessionId}:${expiresAt}`, secret, MASK_PURPOSE)).toString("base64url");
}

export function readMaskToken(secret: string, token: string, now: number): { maskId: string; sessionId: string } | null {
  const value = unsign(Buffer.from(token, "base64url").toString(), secret, MASK_PURPOSE);
  if (!value) return null;
  const [maskId, sessionId, expiresAt] = value.split(":");
  if (!maskId || !sessionId || !(Number(expiresAt) > now)) return null;
  return { maskId, sessionId };
}
