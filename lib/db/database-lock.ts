import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { DbTarget } from "@/lib/db/target";

/** An arbitrary constant shared by every Percept process: "HYPE" in ASCII. */
const MIGRATION_ADVISORY_LOCK = 0x48595045;

export class DatabaseLockedError extends Error {
  readonly code = "DATA_DIR_IN_USE";
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite is one PostgreSQL in one process: a second process opening the same directory would
 * corrupt it. A pid file makes the second one stop with a clear message instead.
 */
export function lockEmbeddedDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.pid`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off("exit", release);
        rmSync(lockPath, { force: true });
      };
      process.on("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSync(lockPath, "utf8").trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new DatabaseLockedError(
          `The embedded database at ${dataDir} is in use by process ${owner}. ` +
            `Stop that process, or set DATABASE_URL to share a PostgreSQL server between processes.`,
        );
      }
      rmSync(lockPath, { force: true }); // left behind by a process that died
    }
  }
  throw new DatabaseLockedError(`Could not lock the embedded database at ${dataDir}`);
}

/**
 * Serializes migrations across processes on a PostgreSQL server, so that two instances
 * started at once on an empty database do not both try to create it.
 */
export async function withMigrationLock<T>(target: DbTarget, work: () => Promise<T>): Promise<T> {
  if (target.kind === "pglite") return work(); // the pid lock above already makes it exclusive
  const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_ADVISORY_LOCK]);
    return await work();
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_ADVISORY_LOCK]).catch(() => {});
    await client.end().catch(() => {});
  }
}
