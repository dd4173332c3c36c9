/**
 * Durable, ordered delivery of trial answers to the server.
 *
 * Every answer is written to storage (localStorage in the browser) before it is sent, sent in
 * order one at a time, and removed only when the server acknowledges it with a 2xx. The server
 * stores each answer once per (session, trial index) and answers a repeat with 200 and the same
 * outcome, so resending after a reload or a lost response is safe.
 *
 * - 2xx: acknowledged; the submit() promise resolves with the parsed JSON body.
 * - network error, timeout, 408, 429, 5xx: retried with exponential backoff and jitter (429/503
 *   honour Retry-After); an `online` event or retryNow() retries at once.
 * - any other status (4xx): a permanent failure, taken out of the queue, kept in failures() and
 *   reported through onChange; the submit() promise rejects with an AnswerQueueError.
 *
 * The logic takes its storage, fetch, timers and event source as parameters so that it runs in
 * Node under test; createBrowserAnswerQueue() / getAnswerQueue() wire the browser's.
 */
import type { TrialAnswer } from "./types";

export type QueueStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export type FetchResponseLike = {
  status: number;
  headers?: { get(name: string): string | null };
  text(): Promise<string>;
};
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal; keepalive?: boolean }) => Promise<FetchResponseLike>;

export type EventSourceLike = {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
};

export type BackoffOptions = { baseMs: number; factor: number; maxMs: number; jitter: number };
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, factor: 2, maxMs: 30_000, jitter: 0.2 };

export type AnswerFailure = { index: number; status: number | null; message: string; answer: TrialAnswer };

export type QueueState = {
  /** Answers written but not yet acknowledged. */
  pending: number;
  /** Trial indices waiting, in sending order. */
  pendingIndices: number[];
  /** A request is in flight. */
  sending: boolean;
  /** Consecutive failed attempts of the head of the queue (0 when the last attempt succeeded). */
  attempts: number;
  /** Last transient error, cleared on the next acknowledgement. */
  lastError: string | null;
  /** When the next retry is scheduled (ms since epoch), or null. */
  nextRetryAt: number | null;
  /** Answers the server refused for good (4xx other than 408/429). */
  failures: AnswerFailure[];
  /** False when storage is unavailable or full: answers then live in memory only and a reload loses them. */
  persistent: boolean;
};

export type AnswerQueueOptions = {
  sessionId: string;
  /** Default `/api/sessions/<id>/answers`. */
  endpoint?: string;
  storage?: QueueStorage | null;
  fetch: FetchLike;
  /** Source of `online` events (window in the browser). */
  events?: EventSourceLike | null;
  backoff?: Partial<BackoffOptions>;
  /** A request that has not answered after this long is aborted and retried. Default 15 s. */
  requestTimeoutMs?: number;
  random?: () => number;
  now?: () => number;
  /** Start sending what storage holds right away (default true). */
  autoStart?: boolean;
};

export class AnswerQueueError extends Error {
  constructor(
    message: string,
    readonly failures: AnswerFailure[],
  ) {
    super(message);
    this.name = "AnswerQueueError";
  }
}

export type Outcome = "ack" | "retry" | "permanent";

/** What an HTTP status means for a queued answer (null = the request never got a response). */
export function classifyStatus(status: number | null): Outcome {
  if (status === null) return "retry";
  if (status >= 200 && status < 300) return "ack";
  if (status === 408 || status === 429 || status >= 500) return "retry";
  return "permanent";
}

/** Delay before retry number `attempt` (1-based): base × factor^(attempt−1), capped, ± jitter. */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const raw = Math.min(options.maxMs, options.baseMs * options.factor ** Math.max(0, attempt - 1));
  const spread = raw * options.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(Math.min(options.maxMs, raw + spread)));
}

/** Retry-After (seconds or an HTTP date) in ms, or null. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export function storageKey(sessionId: string): string {
  return `percept:answers:v1:${sessionId}`;
}

type Stored = { pending: TrialAnswer[]; failures: AnswerFailure[] };

function isAnswer(x: unknown): x is TrialAnswer {
  if (typeof x !== "object" || x === null) return false;
  const a = x as Record<string, unknown>;
  return Number.isInteger(a.index) && (a.answer === "real" || a.answer === "generated");
}

function parseStored(raw: string | null): Stored {
  if (!raw) return { pending: [], failures: [] };
  try {
    const data = JSON.parse(raw) as Partial<Stored>;
    const pending = Array.isArray(data.pending) ? data.pending.filter(isAnswer) : [];
    const failures = Array.isArray(data.failures) ? data.failures.filter((f) => f && isAnswer(f.answer)) : [];
    return { pending, failures };
  } catch {
    return { pending: [], failures: [] };
  }
}

function errorMessage(body: unknown, status: number): string {
  if (body && typeof body === "object" && "error" in body) {
    const err = (body as { error?: { message?: unknown; code?: unknown } }).error;
    if (err && typeof err.message === "string") return err.message;
    if (err && typeof err.code === "string") return err.code;
  }
  return `HTTP ${status}`;
}

type Waiter = { resolve(body: unknown): void; reject(error: unknown): void };

export class AnswerQueue {
  private readonly endpoint: string;
  private readonly storage: QueueStorage | null;
  private readonly fetchFn: FetchLike;
  private readonly events: EventSourceLike | null;
  private readonly backoff: BackoffOptions;
  private readonly requestTimeoutMs: number;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly key: string;

  private queue: TrialAnswer[];
  private failed: AnswerFailure[];
  private persistent = true;
  private sending = false;
  private running = false;
  private disposed = false;
  private attempts = 0;
  private lastError: string | null = null;
  private nextRetryAt: number | null = null;
  private wake: (() => void) | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly waiters = new Map<number, Waiter[]>();
  private flushWaiters: { resolve(): void; reject(error: unknown): void }[] = [];
  private readonly listeners = new Set<(state: QueueState) => void>();
  private snapshot: QueueState;
  private readonly onOnline = () => this.retryNow();

  constructor(options: AnswerQueueOptions) {
    this.endpoint = options.endpoint ?? `/api/sessions/${encodeURIComponent(options.sessionId)}/answers`;
    this.storage = options.storage ?? null;
    this.fetchFn = options.fetch;
    this.events = options.events ?? null;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.key = storageKey(options.sessionId);
    let stored: Stored = { pending: [], failures: [] };
    if (this.storage) {
      try {
        stored = parseStored(this.storage.getItem(this.key));
      } catch {
        this.persistent = false;
      }
    } else {
      this.persistent = false;
    }
    this.queue = stored.pending;
    this.failed = stored.failures;
    this.snapshot = this.makeState();
    this.events?.addEventListener("online", this.onOnline);
    if (options.autoStart !== false && this.queue.length > 0) void this.pump();
  }

  /** Number of answers not yet acknowledged. */
  pending(): number {
    return this.queue.length;
  }

  failures(): AnswerFailure[] {
    return [...this.failed];
  }

  /** The current state; the same object until something changes (fit for useSyncExternalStore). */
  state(): QueueState {
    return this.snapshot;
  }

  /** Subscribes to state changes; returns the unsubscribe function. */
  onChange(listener: (state: QueueState) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Writes the answer to storage, then queues it for sending. Resolves with the server's JSON
   * body once acknowledged; rejects with an AnswerQueueError if the server refuses it for good.
   * Submitting an index that is already waiting does not queue it twice (the first answer stands).
   */
  submit(answer: TrialAnswer): Promise<unknown> {
    if (this.disposed) return Promise.reject(new Error("answer queue disposed"));
    const promise = new Promise<unknown>((resolve, reject) => {
      const list = this.waiters.get(answer.index) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(answer.index, list);
    });
    if (!this.queue.some((a) => a.index === answer.index)) {
      this.queue.push(answer);
      this.failed = this.failed.filter((f) => f.index !== answer.index);
      this.persist();
      this.emit();
    }
    this.retryNow();
    return promise;
  }

  /**
   * Resolves when every queued answer is acknowledged; rejects with an AnswerQueueError if any
   * answer was refused for good (see failures()). Triggers an immediate retry.
   */
  flush(): Promise<void> {
    const promise = new Promise<void>((resolve, reject) => this.flushWaiters.push({ resolve, reject }));
    if (this.queue.length === 0) this.settleFlush();
    else this.retryNow();
    return promise;
  }

  /** Retries now instead of waiting for the backoff (also called on `online` events). */
  retryNow(): void {
    if (this.disposed) return;
    if (this.wake) this.wake();
    else if (!this.running && this.queue.length > 0) void this.pump();
  }

  /** Forgets failures (after the UI has shown them). */
  clearFailures(): void {
    this.failed = [];
    this.persist();
    this.emit();
  }

  /** Stops retrying and listening; stored answers stay in storage for the next page load. */
  dispose(): void {
    this.disposed = true;
    this.events?.removeEventListener("online", this.onOnline);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.wake?.();
  }

  private makeState(): QueueState {
    return {
      pending: this.queue.length,
      pendingIndices: this.queue.map((a) => a.index),
      sending: this.sending,
      attempts: this.attempts,
      lastError: this.lastError,
      nextRetryAt: this.nextRetryAt,
      failures: [...this.failed],
      persistent: this.persistent,
    };
  }

  private emit(): void {
    this.snapshot = this.makeState();
    for (const l of [...this.listeners]) l(this.snapshot);
  }

  private persist(): void {
    if (!this.storage) return;
    try {
      if (this.queue.length === 0 && this.failed.length === 0) this.storage.removeItem(this.key);
      else this.storage.setItem(this.key, JSON.stringify({ pending: this.queue, failures: this.failed } satisfies Stored));
      this.persistent = true;
    } catch {
      this.persistent = false;
    }
  }

  private settleWaiters(index: number, ok: boolean, value: unknown): void {
    const list = this.waiters.get(index);
    if (!list) return;
    this.waiters.delete(index);
    for (const w of list) {
      if (ok) w.resolve(value);
      else w.reject(value);
    }
  }

  private settleFlush(): void {
    const waiting = this.flushWaiters;
    this.flushWaiters = [];
    const error =
      this.failed.length > 0
        ? new AnswerQueueError(`${this.failed.length} answer(s) were refused by the server`, [...this.failed])
        : null;
    for (const w of waiting) {
      if (error) w.reject(error);
      else w.resolve();
    }
  }

  private async send(answer: TrialAnswer): Promise<{ outcome: Outcome; status: number | null; body: unknown; retryAfterMs: number | null; message: string }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.requestTimeoutMs);
    try {
      const response = await this.fetchFn(this.endpoint, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(answer),
        signal: controller.signal,
        keepalive: true,
      });
      let body: unknown = undefined;
      try {
        const text = await response.text();
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      const outcome = classifyStatus(response.status);
      const retryAfterMs =
        response.status === 429 || response.status === 503 ? parseRetryAfter(response.headers?.get("retry-after"), this.now()) : null;
      return { outcome, status: response.status, body, retryAfterMs, message: errorMessage(body, response.status) };
    } catch (error) {
      const message = controller.signal.aborted ? "request timed out" : error instanceof Error ? error.message : String(error);
      return { outcome: "retry", status: null, body: undefined, retryAfterMs: null, message };
    } finally {
      clearTimeout(timer);
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        if (this.retryTimer !== null) clearTimeout(this.retryTimer);
        this.retryTimer = null;
        this.wake = null;
        resolve();
      };
      this.wake = done;
      this.retryTimer = setTimeout(done, ms);
    });
  }

  private async pump(): Promise<void> {
    if (this.running || this.disposed) return;
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.disposed) {
        const answer = this.queue[0] as TrialAnswer;
        this.sending = true;
        this.nextRetryAt = null;
        this.emit();
        const result = await this.send(answer);
        this.sending = false;
        if (this.disposed) break;
        if (result.outcome === "retry") {
          this.attempts++;
          this.lastError = result.message;
          const delay = Math.min(this.backoff.maxMs, result.retryAfterMs ?? backoffDelay(this.attempts, this.backoff, this.random));
          this.nextRetryAt = this.now() + delay;
          this.emit();
          await this.wait(delay);
          continue;
        }
        // Acknowledged or refused for good: either way it leaves the queue (the same index may
        // have been re-submitted meanwhile only if it was not waiting, so shift() is the head).
        this.queue.shift();
        this.attempts = 0;
        if (result.outcome === "ack") {
          this.lastError = null;
          this.persist();
          this.emit();
          this.settleWaiters(answer.index, true, result.body);
        } else {
          const failure: AnswerFailure = { index: answer.index, status: result.status, message: result.message, answer };
          this.failed = [...this.failed.filter((f) => f.index !== answer.index), failure];
          this.persist();
          this.emit();
          this.settleWaiters(answer.index, false, new AnswerQueueError(`answer ${answer.index} refused: ${result.message}`, [failure]));
        }
      }
    } finally {
      this.running = false;
      this.sending = false;
    }
    if (this.queue.length === 0) this.settleFlush();
    this.emit();
  }
}

/** A queue wired to the browser: localStorage (when usable), window.fetch, `online` events. */
export function createBrowserAnswerQueue(sessionId: string, options: Partial<AnswerQueueOptions> = {}): AnswerQueue {
  let storage: QueueStorage | null = null;
  try {
    storage = window.localStorage;
  } catch {
    storage = null; // blocked storage (privacy settings): memory only, reported as persistent: false
  }
  return new AnswerQueue({
    sessionId,
    storage,
    fetch: (url, init) => window.fetch(url, { ...init, credentials: "same-origin" }),
    events: window,
    ...options,
  });
}

const registry = new Map<string, AnswerQueue>();

/**
 * The one queue for a session in this page. Two queues over the same storage key would overwrite
 * each other's writes, so components (and React's double-mount in development) must share it.
 */
export function getAnswerQueue(sessionId: string): AnswerQueue {
  let queue = registry.get(sessionId);
  if (!queue) {
    queue = createBrowserAnswerQueue(sessionId);
    registry.set(sessionId, queue);
  }
  return queue;
}
