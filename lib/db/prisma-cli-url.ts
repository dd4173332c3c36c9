import path from "node:path";
import type { DbTarget } from "@/lib/db/target";

/**
 * The prisma CLI passes the datasource as a URL. The embedded database has none, so
 * prisma.config.ts hands the CLI `postgresql://pglite/percept?pglite=<data dir>`, which only our
 * schema-engine stand-in understands.
 */
export const EMBEDDED_URL_MARKER = "pglite";

export function embeddedDatasourceUrl(dataDir: string): string {
  return `postgresql://${EMBEDDED_URL_MARKER}/percept?${EMBEDDED_URL_MARKER}=${encodeURIComponent(path.resolve(dataDir))}`;
}

export function datasourceUrlToTarget(url: string | undefined): DbTarget {
  if (!url) return { kind: "pglite", dataDir: "memory://" };
  const parsed = new URL(url);
  const dataDir = parsed.searchParams.get(EMBEDDED_URL_MARKER);
  if (parsed.hostname === EMBEDDED_URL_MARKER && dataDir) return { kind: "pglite", dataDir };
  return { kind: "postgres", url };
}
