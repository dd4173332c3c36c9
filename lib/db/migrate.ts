import pg from "pg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import { lockEmbeddedDataDir, withMigrationLock } from "@/lib/db/database-lock";
import { migrationAdapterFor } from "@/lib/db/engine/migration-adapters";
import { startSchemaEngine } from "@/lib/db/engine/wasm-engine";
import { readMigrationList, readSchema } from "@/lib/db/migration-files";
import { describeTarget, type DbTarget } from "@/lib/db/target";

export type MigrationErrorCode =
  | "DB_UNREACHABLE"
  | "DB_AHEAD_OF_CODE"
  | "MIGRATION_EDITED"
  | "MIGRATION_FAILED"
  | "DRIFT";

/** A problem that must stop start-up; its message says what to do. */
export class MigrationError extends Error {
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "MigrationError";
  }
}

export const NO_FILTERS = { externalTables: [], externalEnums: [] };

/** Opens the schema engine on a target (locking an embedded directory), runs `work`, cleans up. */
export async function withSchemaEngine<T>(
  target: DbTarget,
  work: (engine: SchemaEngine) => Promise<T>,
  options: { datamodels?: [string, string][] | undefined; log?: (line: string) => void } = {},
): Promise<T> {
  const onDisk = target.kind === "pglite" && !target.dataDir.startsWith("memory://");
  const unlock = onDisk ? lockEmbeddedDataDir(target.dataDir) : () => {};
  try {
    const adapter = await migrationAdapterFor(target);
    try {
      const engine = await startSchemaEngine({
        datamodels: "datamodels" in options ? options.datamodels : readSchema(),
        adapterFactory: adapter.factory,
        log: options.log,
      });
      try {
        return await work(engine);
      } finally {
        engine.free();
      }
    } finally {
      await adapter.close();
    }
  } finally {
    unlock();
  }
}

/** Creates the server database named in the URL when it does not exist yet. */
async function ensurePostgresDatabase(url: string): Promise<void> {
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await probe.connect();
    await probe.end();
    return;
  } catch (error) {
    await probe.end().catch(() => {});
    const pgError = error as { code?: string; message: string };
    if (pgError.code !== "3D000") {
      throw new MigrationError(
        "DB_UNREACHABLE",
        `Cannot connect to ${describeTarget({ kind: "postgres", url })}: ${pgError.message}. ` +
          `Check DATABASE_URL and that the server is running, or unset DATABASE_URL to use the embedded database.`,
      );
    }
  }
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.slice(1));
  parsed.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: parsed.toString(), connectionTimeoutMillis: 10_000 });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } catch (error) {
    if ((error as { code?: string }).code !== "42P04") throw error; // created meanwhile by a sibling
  } finally {
    await admin.end();
  }
}

async function checkHistory(engine: SchemaEngine): Promise<void> {
  const diagnosis = await engine.diagnoseMigrationHistory({
    migrationsList: readMigrationList(),
    optInToShadowDatabase: false,
    filters: NO_FILTERS,
  });
  if (diagnosis.failedMigrationNames.length > 0) {
    throw new MigrationError(
      "MIGRATION_FAILED",
      `Migration ${diagnosis.failedMigrationNames.join(", ")} failed earlier and was left half-applied. ` +
        `Repair the database, then mark it with \`npx prisma migrate resolve\`.`,
    );
  }
  if (diagnosis.editedMigrationNames.length > 0) {
    throw new MigrationError(
      "MIGRATION_EDITED",
      `Migration ${diagnosis.editedMigrationNames.join(", ")} was changed after it was applied to this database. ` +
        `Restore the original file and add a new migration instead (docs/database.md).`,
    );
  }
  const history = diagnosis.history;
  if (history && history.diagnostic !== "databaseIsBehind") {
    const unknown = history.unpersistedMigrationNames.join(", ");
    throw new MigrationError(
      "DB_AHEAD_OF_CODE",
      `The database has migrations this code does not know (${unknown}): it is ahead of the code. ` +
        `Run the newer version of Percept, or point DATABASE_URL at another database.`,
    );
  }
}

/** SQL that would turn the live database into schema.prisma; empty when they agree. */
export async function driftScript(engine: SchemaEngine): Promise<string> {
  const [[schemaPath, content]] = readSchema() as [[string, string]];
  const result = await engine.diff({
    from: { tag: "schemaDatasource", files: [{ path: schemaPath, content }], configDir: process.cwd() },
    to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content }] },
    script: true,
    exitCode: true,
    filters: NO_FILTERS,
  });
  return result.exitCode === 2 ? (result.stdout ?? "") : "";
}

/**
 * Brings the database up to the committed migrations. Idempotent and safe to run from several
 * processes at once. Stops with a MigrationError when the database is ahead, edited or drifted.
 */
export async function migrateDatabase(target: DbTarget, log: (line: string) => void = () => {}): Promise<string[]> {
  if (target.kind === "postgres") await ensurePostgresDatabase(target.url);
  return withMigrationLock(target, () =>
    withSchemaEngine(target, async (engine) => {
      await checkHistory(engine);
      const { appliedMigrationNames } = await engine.applyMigrations({
        migrationsList: readMigrationList(),
        filters: NO_FILTERS,
      });
      for (const name of appliedMigrationNames) log(`applied migration ${name}`);
      const drift = await driftScript(engine);
      if (drift) {
        throw new MigrationError(
          "DRIFT",
          `The database schema differs from prisma/schema.prisma although every migration is applied ` +
            `(someone changed it by hand?). The difference, as SQL:\n${drift}`,
        );
      }
      return appliedMigrationNames;
    }),
  );
}

/** A throw-away embedded database: enough to diff migrations against the schema, offline. */
export const SCRATCH_TARGET: DbTarget = { kind: "pglite", dataDir: "memory://" };

/** SQL that would turn the committed migrations into schema.prisma; empty when they agree. */
export async function pendingSchemaChanges(): Promise<string> {
  return withSchemaEngine(SCRATCH_TARGET, async (engine) => {
    const [[schemaPath, content]] = readSchema() as [[string, string]];
    const result = await engine.diff({
      from: { tag: "migrations", ...readMigrationList() },
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content }] },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    });
    return result.exitCode === 2 ? (result.stdout ?? "") : "";
  });
}
