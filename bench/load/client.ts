/**
 * One simulated annotator, speaking the annotator API over HTTP like the browser does: start a
 * session, report the device, then next trial → stimulus → think → answer, until told to stop.
 * Network errors and 5xx/429 are retried with exponential backoff (honouring Retry-After), so a
 * client rides through a server or database restart and carries on with its session. Every
 * acknowledged answer is remembered, for the integrity check.
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import zlib from "node:zlib";
import type { TrialSpec } from "@/lib/sessions/contract";
import type { Operation, Recorder } from "./stats";

export type ThinkTime = () => number;

/** Lognormal think time around `medianMs` (σ of the log): a right-skewed reaction time. */
export function lognormalThinkTime(medianMs: number, sigma: number, random: () => number = Math.random): ThinkTime {
  return () => {
    const u = 1 - random();
    const v = random();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return medianMs * Math.exp(sigma * normal);
  };
}

export type ClientOptions = {
  baseUrl: string;
  linkCode: string;
  /** A participant cookie for a new participant: the harness joins through the service. */
  newParticipantCookie(): Promise<string>;
  think: ThinkTime;
  fetchStimulus: boolean;
  /** Share of acknowledged answers sent a second time, as if the ack had been lost. */
  lostAckRate: number;
  /** Share of answers that report a missed frame (the server then re-runs the trial). */
  frameMissRate: number;
  /** A request is retried until this long after its first attempt, then the client gives up. */
  retryBudgetMs: number;
  recorder(): Recorder;
  /** Acknowledged answers, by session. */
  acked: Map<string, Set<number>>;
};

export class GiveUp extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * node:http with keep-alive rather than fetch: the bench shares the machine's two cores with the
 * server and PostgreSQL, and fetch (undici's WHATWG streams) cost the client ≈ 2 ms of CPU per
 * request, a quarter of a core taken from what is measured.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

function send(url: string, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers: { ...headers, ...(body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) }) }, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(Object.assign(new Error("request timed out"), { code: "TIMEOUT" })));
    request.on("error", reject);
    request.end(body);
  });
}

function networkCode(error: unknown): string {
  let current: unknown = error;
  while (current && typeof current === "object") {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    if ((current as { name?: unknown }).name === "TimeoutError") return "TIMEOUT";
    current = (current as { cause?: unknown }).cause;
  }
  return "NETWORK";
}

function decoded(response: RawResponse): string {
  const encoding = response.headers["content-encoding"];
  if (encoding === "gzip") return zlib.gunzipSync(response.body).toString();
  if (encoding === "deflate") return zlib.inflateSync(response.body).toString();
  if (encoding === "br") return zlib.brotliDecompressSync(response.body).toString();
  return response.body.toString();
}

function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/** What a 503 must look like: our JSON error shape with a Retry-After, not an HTML page. */
function describeBadUnavailable(response: RawResponse, body: string): string | null {
  if (response.status !== 503) return null;
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown } };
    if (parsed.error?.code !== "UNAVAILABLE") return "503-wrong-code";
  } catch {
    return "503-not-json";
  }
  return response.headers["retry-after"] ? null : "503-no-retry-after";
}

export class SimulatedAnnotator {
  private cookie = "";
  private sessionId: string | null = null;
  stopping = false;

  constructor(private readonly options: ClientOptions) {}

  private async request(operation: Operation, method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const t0 = performance.now();
      let retryAfterMs = 0;
      try {
        const response = await send(
          `${this.options.baseUrl}${path}`,
          method,
          // A browser asks for compressed responses: so does the bench, so the server does that work too.
          { cookie: this.cookie, "accept-encoding": "gzip, deflate, br", ...(body === undefined ? {} : { "content-type": "application/json" }) },
          body === undefined ? undefined : JSON.stringify(body),
          30_000,
        );
        const ok = response.status >= 200 && response.status < 300;
        // A stimulus's bytes are only counted; its errors are JSON like every other route's.
        const text = operation === "stimulus" && ok ? String(response.body.byteLength) : decoded(response);
        const elapsed = performance.now() - t0;
        if (ok) {
          this.options.recorder().latency(operation, elapsed);
          return { status: response.status, json: operation === "stimulus" ? null : JSON.parse(text) };
        }
        this.options.recorder().error(operation, describeBadUnavailable(response, text) ?? String(response.status));
        if (!retryable(response.status)) return { status: response.status, json: JSON.parse(text) };
        retryAfterMs = Number(response.headers["retry-after"] ?? 0) * 1000;
      } catch (error) {
        this.options.recorder().error(operation, networkCode(error));
      }
      if (Date.now() - started > this.options.retryBudgetMs) throw new GiveUp(`${operation} ${path}: gave up after ${attempt + 1} attempts`);
      const backoff = Math.min(5_000, 100 * 2 ** attempt) * (0.8 + 0.4 * Math.random());
      await sleep(Math.max(backoff, retryAfterMs));
    }
  }

  private async expectOk(operation: Operation, method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
    const { status, json } = await this.request(operation, method, path, body);
    if (status >= 300) throw new Error(`${operation} ${path}: HTTP ${status} ${JSON.stringify(json)}`);
    return json;
  }

  private async beginSession(): Promise<string> {
    this.cookie = await this.options.newParticipantCookie();
    const { session } = (await this.expectOk("start", "POST", "/api/sessions", { linkCode: this.options.linkCode })) as { session: { id: string } };
    await this.expectOk("device", "POST", `/api/sessions/${session.id}/device`, {
      refreshHz: 60,
      windowWidth: 1280,
      windowHeight: 800,
      devicePixelRatio: 1,
      fullscreen: true,
      touch: false,
      userAgent: "percept-load-bench",
    });
    return session.id;
  }

  private answerFor(trial: TrialSpec) {
    const frames = trial.exposure?.frames ?? null;
    const missed = frames !== null && Math.random() < this.options.frameMissRate;
    const presented = missed ? frames + 1 : frames;
    return {
      index: trial.index,
      answer: Math.random() < 0.5 ? "real" : "generated",
      requestedFrames: frames,
      presentedFrames: presented,
      measuredMs: presented === null ? 1500 : (presented * 1000) / 60,
      refreshHz: 60,
      flags: missed ? ["frame_miss"] : [],
      clientTimes: { stimulusOnset: 1000, stimulusOffset: 1500, responseAt: 2000 },
    };
  }

  private acknowledge(sessionId: string, index: number): void {
    const indices = this.options.acked.get(sessionId) ?? new Set<number>();
    if (!indices.has(index)) this.options.recorder().answers++;
    indices.add(index);
    this.options.acked.set(sessionId, indices);
  }

  /** One trial: returns false when the session is over. */
  private async step(sessionId: string): Promise<boolean> {
    const next = (await this.expectOk("next", "POST", `/api/sessions/${sessionId}/next`)) as { trial?: TrialSpec; done?: true };
    if (!next.trial) return false;
    if (this.options.fetchStimulus) await this.expectOk("stimulus", "GET", next.trial.stimulusUrl);
    await sleep(this.options.think());
    const answer = this.answerFor(next.trial);
    const path = `/api/sessions/${sessionId}/answers`;
    const outcome = await this.expectOk("answer", "POST", path, answer);
    this.acknowledge(sessionId, answer.index);
    if (Math.random() < this.options.lostAckRate) {
      const again = await this.expectOk("answer", "POST", path, answer);
      this.options.recorder().idempotentResends++;
      if (JSON.stringify(again) !== JSON.stringify(outcome)) this.options.recorder().error("answer", "resend-differs");
    }
    return true;
  }

  /** Runs until `stopping` is set; the trial in hand is finished first (its answer acknowledged). */
  async run(): Promise<void> {
    while (!this.stopping) {
      this.sessionId ??= await this.beginSession();
      if (!(await this.step(this.sessionId))) this.sessionId = null;
    }
  }
}
