/**
 * The production server under test: `npm start` (migrations, then `next start`) from this
 * worktree's build, in its own process group so that a stop (or a SIGKILL) reaches every process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import path from "node:path";

export type ServerOptions = { port: number; databaseUrl: string; authSecret: string; dataDir: string; logFile: string };

export type RunningServer = {
  url: string;
  pid: number;
  /** Signals the whole process group and waits for the group leader to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
};

export function assertBuilt(): void {
  if (!existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) {
    throw new Error("No production build in .next: run `npm run build` first (or pass --url to attach to a running server).");
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

/** The leader (npm) may be gone while `next-server` in its group still holds the port. */
function groupAlive(pgid: number): boolean {
  const alive = signalGroup(pgid, 0);
  if (alive) signalGroup(pgid, "SIGKILL");
  return alive;
}

/** Polls GET /api/health until it answers 200. */
export async function waitHealthy(url: string, timeoutMs = 180_000, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${url} was not healthy after ${timeoutMs / 1000} s`);
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  assertBuilt();
  const log = createWriteStream(options.logFile, { flags: "a" });
  const child = spawn("npm", ["start", "--", "-p", String(options.port), "-H", "127.0.0.1"], {
    cwd: process.cwd(),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: options.databaseUrl,
      AUTH_SECRET: options.authSecret,
      PERCEPT_DATA_DIR: options.dataDir,
      PERCEPT_DEMO: "0",
      PERCEPT_INSECURE_COOKIES: "1",
      // Simulated annotators skip the countdown a person sits through, so they answer faster than
      // the per-participant budgets allow (lib/sessions/rate-limits.ts); the bench measures the
      // trial loop, not the limiter.
      PERCEPT_ANSWERS_PER_MINUTE: "0",
      PERCEPT_TRIALS_PER_MINUTE: "0",
      PERCEPT_STIMULI_PER_MINUTE: "0",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${options.port}`;
  const server: RunningServer = {
    url,
    pid: child.pid!,
    async stop(signal = "SIGTERM") {
      signalGroup(child.pid!, signal);
      // `next start` may linger on SIGTERM while connections drain: after a grace period, SIGKILL.
      const grace = setTimeout(() => signalGroup(child.pid!, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(grace);
      while (groupAlive(child.pid!)) await sleep(100);
    },
  };
  try {
    await waitHealthy(url, 180_000, child);
  } catch (error) {
    await server.stop("SIGKILL");
    throw new Error(`${(error as Error).message}; see ${options.logFile}`);
  }
  return server;
}
