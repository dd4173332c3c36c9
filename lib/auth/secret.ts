import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { getEnv } from "@/lib/env";

let cached: string | undefined;

/**
 * AUTH_SECRET signs session and participant cookies. When it is not set (the quick start), a
 * random one is made once and kept in the data directory so sessions survive restarts.
 */
export function authSecret(): string {
  if (cached) return cached;
  const env = getEnv();
  if (env.AUTH_SECRET) return (cached = env.AUTH_SECRET);
  const file = path.join(env.dataDir, "auth-secret");
  mkdirSync(env.dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(48).toString("base64url"), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  cached = readFileSync(file, "utf8").trim();
  return cached;
}
