/**
 * Driver-adapter factories for the WASM schema engine, with the fixes for the traps we hit
 * (STACK-NOTES.md, "Prisma"): each fix below is a workaround for a bug in an adapter release.
 */
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import type { DbTarget } from "@/lib/db/target";

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

type PerformIO = (query: SqlQuery) => Promise<{ fields: { dataTypeID: number }[] }>;

/**
 * adapter-pg 7.10 cannot deserialize PostgreSQL's internal one-byte `"char"` type, which the
 * engine's catalog queries return: present those columns as text.
 */
function readCharAsText<T extends object>(queryable: T): T {
  const target = queryable as unknown as { performIO: PerformIO };
  const performIO = target.performIO.bind(queryable);
  target.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    return result;
  };
  return queryable;
}

function withCharFix(adapter: SqlDriverAdapter): SqlDriverAdapter {
  readCharAsText(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => readCharAsText<Transaction>(await startTransaction(isolationLevel));
  return adapter;
}

function discreteConfig(url: string): pg.PoolConfig {
  const parsed = new URL(url);
  return {
    host: decodeURIComponent(parsed.hostname) || "localhost",
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username) || undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, "")) || undefined,
    ssl: parsed.searchParams.get("sslmode") === "require" ? { rejectUnauthorized: false } : undefined,
    max: 4,
  };
}

/**
 * adapter-pg's own shadow database (a) keeps the `connectionString`, which overrides the shadow's
 * `database`, so the "shadow" is the main database; (b) drops it before closing its pool, which
 * fails while connections are open. Ours passes discrete settings and closes first.
 */
function postgresFactory(url: string, opened: SqlDriverAdapter[]): SqlMigrationAwareDriverAdapterFactory {
  const config = discreteConfig(url);
  const main = new PrismaPg(config);
  return {
    provider: "postgres",
    adapterName: main.adapterName,
    async connect() {
      const adapter = await main.connect();
      opened.push(adapter); // the engine does not dispose its adapters when freed
      return withCharFix(adapter);
    },
    async connectToShadowDb() {
      const shadowName = `prisma_shadow_${crypto.randomUUID().replaceAll("-", "")}`;
      const admin = new pg.Client({ ...config, database: config.database ?? "postgres" });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${shadowName}"`);
      } finally {
        await admin.end();
      }
      const shadow = await new PrismaPg({ ...config, database: shadowName }).connect();
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await dispose();
        const cleaner = new pg.Client({ ...config, database: config.database ?? "postgres" });
        await cleaner.connect();
        try {
          await cleaner.query(`DROP DATABASE IF EXISTS "${shadowName}" WITH (FORCE)`);
        } finally {
          await cleaner.end();
        }
      };
      return withCharFix(shadow);
    },
  };
}

/**
 * pglite-prisma-adapter 0.7's executeScript does not await the script, so a failing migration
 * would be reported as applied: await it and let the error through.
 */
function awaitScripts(adapter: SqlDriverAdapter, client: PGlite): SqlDriverAdapter {
  adapter.executeScript = async (script: string) => {
    await client.exec(script);
  };
  return adapter;
}

export type MigrationAdapter = {
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** Releases the embedded database (PGlite holds its data directory open). */
  close(): Promise<void>;
};

export async function migrationAdapterFor(target: DbTarget): Promise<MigrationAdapter> {
  if (target.kind === "postgres") {
    const opened: SqlDriverAdapter[] = [];
    return {
      factory: postgresFactory(target.url, opened),
      close: async () => {
        await Promise.all(opened.splice(0).map((adapter) => adapter.dispose()));
      },
    };
  }
  if (!target.dataDir.startsWith("memory://")) mkdirSync(target.dataDir, { recursive: true });
  const client = await PGlite.create({ dataDir: target.dataDir });
  const shadows: PGlite[] = [];
  const inner = new PrismaPGlite(client);
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: "postgres",
    adapterName: inner.adapterName,
    connect: async () => awaitScripts(await inner.connect(), client),
    async connectToShadowDb() {
      const shadow = await PGlite.create({ dataDir: "memory://" });
      shadows.push(shadow);
      return awaitScripts(await new PrismaPGlite(shadow).connect(), shadow);
    },
  };
  return {
    factory,
    async close() {
      await Promise.all(shadows.map((shadow) => shadow.close()));
      await client.close();
    },
  };
}

export type { SqlResultSet };
