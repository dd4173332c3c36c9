import { createHash, randomBytes } from "node:crypto";

/** A random secret for links and API tokens; only its sha256 is stored. */
export function newSecret(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}

export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
