import { createHmac, timingSafeEqual } from "node:crypto";

/** `value.signature` with an HMAC-SHA256 over a purpose label, so one cookie cannot pose as another. */
export function sign(value: string, secret: string, purpose: string): string {
  return `${value}.${createHmac("sha256", secret).update(`${purpose}:${value}`).digest("base64url")}`;
}

export function unsign(signed: string | undefined, secret: string, purpose: string): string | null {
  if (!signed) return null;
  const dot = signed.lastIndexOf(".");
  if (dot <= 0) return null;
  const value = signed.slice(0, dot);
  const expected = Buffer.from(sign(value, secret, purpose).slice(dot + 1));
  const given = Buffer.from(signed.slice(dot + 1));
  return expected.length === given.length && timingSafeEqual(expected, given) ? value : null;
}
