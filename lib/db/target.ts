import path from "node:path";
import type { Env } from "@/lib/env";

/** Where the data lives: a PostgreSQL server, or the embedded PGlite database on disk. */
export type DbTarget =
  | { kind: "postgres"; url: string }
  | { kind: "pglite"; dataDir: string };

export function dbTargetFrom(env: Pick<Env, "DATABASE_URL" | "dataDir">): DbTarget {
  if (env.DATABASE_URL) return { kind: "postgres", url: env.DATABASE_URL };
  return { kind: "pglite", dataDir: path.join(env.dataDir, "pglite") };
}

/** A connection URL with the password hidden, for messages and logs. */
export function describeTarget(target: DbTarget): string {
  if (target.kind === "pglite") return `embedded PGlite at ${target.dataDir}`;
  try {
    const url = new URL(target.url);
    if (url.password) url.password = "***";
    return `PostgreSQL at ${url.host}${url.pathname}`;
  } catch {
    return "PostgreSQL (unparseable URL)";
  }
}
