/**
 * What the load bench and the fault scripts share: a world (a fresh database with a live study,
 * a production server or an attached one, a way to mint participant cookies) and a fleet of
 * simulated annotators whose size can change while it runs.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { openDb, type DbHandle } from "@/lib/db/client";
import { joinStudy, PARTICIPANT_COOKIE, participantCookieValue } from "@/lib/sessions/participants";
import { SimulatedAnnotator, type ClientOptions } from "./client";
import { createLoadStudy, createRunDatabase, type LoadStudy } from "./setup";
import { startServer, waitHealthy, type RunningServer } from "./server";
import { Recorder } from "./stats";

export const DEFAULT_PG_SERVER = "postgresql://percept_ci:percept_ci@127.0.0.1:5432/postgres";

export type WorldOptions = {
  /** Any database on the PostgreSQL server to create the run's database on. */
  pgServerUrl: string;
  port: number;
  /** Attach to a running server instead of starting one; it must use `databaseUrl` and `authSecret`. */
  attach?: { url: string; databaseUrl: string; authSecret: string; dataDir: string };
  log?: (line: string) => void;
};

export type World = {
  databaseUrl: string;
  study: LoadStudy;
  dataDir: string;
  baseUrl: string;
  server: RunningServer | null;
  /** SIGKILLs (or stops) the server and starts it again on the same port and database. */
  restartServer(signal: NodeJS.Signals): Promise<{ downMs: number }>;
  newParticipantCookie(): Promise<string>;
  close(options?: { keepDatabase?: boolean }): Promise<void>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries a database call made by the harness itself (it, too, must ride through a restart). */
async function persistently<T>(work: () => Promise<T>, budgetMs = 120_000): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (Date.now() - started > budgetMs) throw error;
      await sleep(Math.min(2_000, 100 * 2 ** attempt));
    }
  }
}

export async function createWorld(options: WorldOptions): Promise<World> {
  const log = options.log ?? (() => {});
  const runName = `percept_load_${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}_${randomBytes(3).toString("hex")}`;
  const dataDir = options.attach?.dataDir ?? path.join(tmpdir(), runName);
  mkdirSync(dataDir, { recursive: true });
  // The images written by the setup must land where the server reads them.
  process.env.PERCEPT_DATA_DIR = dataDir;
  const databaseUrl = options.attach?.databaseUrl ?? (await createRunDatabase(options.pgServerUrl, runName));
  const authSecret = options.attach?.authSecret ?? randomBytes(32).toString("base64url");
  log(`database ${new URL(databaseUrl).pathname.slice(1)}, data directory ${dataDir}`);
  const study = await createLoadStudy(databaseUrl);
  log(`live study ${study.studyId} (link ${study.linkCode})`);

  const serverOptions = { port: options.port, databaseUrl, authSecret, dataDir, logFile: path.join(dataDir, "server.log") };
  let server: RunningServer | null = null;
  if (!options.attach) {
    log(`starting the production server on port ${options.port} (log: ${serverOptions.logFile})`);
    server = await startServer(serverOptions);
  }
  const baseUrl = options.attach?.url ?? server!.url;
  const handle: DbHandle = openDb({ kind: "postgres", url: databaseUrl }, { poolSize: 4 });

  const world: World = {
    databaseUrl,
    study,
    dataDir,
    baseUrl,
    server,
    async restartServer(signal) {
      if (!world.server) throw new Error("attached to a server this harness did not start: cannot restart it");
      const down = Date.now();
      await world.server.stop(signal);
      world.server = await startServer(serverOptions);
      await waitHealthy(baseUrl);
      return { downMs: Date.now() - down };
    },
    async newParticipantCookie() {
      const { participantId } = await persistently(() => joinStudy(handle.db, { linkCode: study.linkCode }));
      return `${PARTICIPANT_COOKIE}=${participantCookieValue(participantId, authSecret)}`;
    },
    async close({ keepDatabase = false } = {}) {
      await world.server?.stop("SIGTERM");
      await handle.close();
      if (keepDatabase || options.attach) return;
      const admin = new pg.Client({ connectionString: options.pgServerUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${runName}" WITH (FORCE)`);
      await admin.end();
    },
  };
  return world;
}

export type FleetOptions = Omit<ClientOptions, "baseUrl" | "linkCode" | "newParticipantCookie" | "recorder" | "acked">;

/** Simulated annotators sharing one recorder (swapped per measured window) and one ack ledger. */
export class Fleet {
  recorder = new Recorder();
  readonly acked = new Map<string, Set<number>>();
  readonly failures: Error[] = [];
  private readonly clients: { annotator: SimulatedAnnotator; done: Promise<void> }[] = [];

  constructor(
    private readonly world: World,
    private readonly options: FleetOptions,
  ) {}

  get size(): number {
    return this.clients.length;
  }

  /** Adds annotators until there are `count` (the fleet only grows). */
  grow(count: number): void {
    while (this.clients.length < count) {
      const annotator = new SimulatedAnnotator({
        ...this.options,
        baseUrl: this.world.baseUrl,
        linkCode: this.world.study.linkCode,
        newParticipantCookie: () => this.world.newParticipantCookie(),
        recorder: () => this.recorder,
        acked: this.acked,
      });
      const done = annotator.run().catch((error: Error) => {
        this.failures.push(error);
      });
      this.clients.push({ annotator, done });
    }
  }

  /** Starts a fresh measuring window; returns the recorder of the window that ends. */
  newWindow(): Recorder {
    const ended = this.recorder;
    this.recorder = new Recorder();
    return ended;
  }

  /** Lets every annotator finish the trial in hand, then resolves. */
  async stop(): Promise<void> {
    for (const client of this.clients) client.annotator.stopping = true;
    await Promise.all(this.clients.map((client) => client.done));
  }
}
