import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  AnswerQueue,
  AnswerQueueError,
  DEFAULT_BACKOFF,
  backoffDelay,
  classifyStatus,
  parseRetryAfter,
  storageKey,
  type FetchLike,
  type FetchResponseLike,
  type QueueStorage,
} from "@/components/trial/answer-queue";
import type { TrialAnswer } from "@/components/trial/types";

function answer(index: number, a: TrialAnswer["answer"] = "real"): TrialAnswer {
  return {
    index,
    answer: a,
    requestedFrames: 30,
    presentedFrames: 30,
    measuredMs: 500,
    refreshHz: 60,
    flags: [],
    clientTimes: { stimulusOnset: 1, stimulusOffset: 501, responseAt: 900 },
  };
}

class MemoryStorage implements QueueStorage {
  map = new Map<string, string>();
  failWrites = false;
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    if (this.failWrites) throw new DOMException("quota", "QuotaExceededError");
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

type Reply = number | Error | { status: number; body?: unknown; headers?: Record<string, string> } | "hang";

/** A fetch that answers from a script (one reply per request; the last one repeats) and records requests. */
function scriptedFetch(script: Reply[]) {
  const calls: { url: string; body: TrialAnswer }[] = [];
  const fetch: FetchLike = (url, init) => {
    calls.push({ url, body: JSON.parse(init.body) as TrialAnswer });
    const reply = script.length > 1 ? script.shift()! : script[0]!;
    if (reply === "hang") {
      return new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(new Error("aborted"))));
    }
    if (reply instanceof Error) return Promise.reject(reply);
    const r = typeof reply === "number" ? { status: reply, body: { ok: true, index: calls.at(-1)!.body.index } } : reply;
    const res: FetchResponseLike = {
      status: r.status,
      headers: { get: (name) => r.headers?.[name.toLowerCase()] ?? null },
      text: async () => (r.body === undefined ? "" : JSON.stringify(r.body)),
    };
    return Promise.resolve(res);
  };
  return { fetch, calls };
}

class FakeEvents {
  listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, l: () => void) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(l);
  }
  removeEventListener(type: string, l: () => void) {
    this.listeners.get(type)?.delete(l);
  }
  fire(type: string) {
    for (const l of this.listeners.get(type) ?? []) l();
  }
}

const noJitter = () => 0.5; // backoffDelay's jitter term is 0 at random() = 0.5

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("pure parts", () => {
  it("classifyStatus: only 2xx acknowledges; 408/429/5xx/network retry; other 4xx are permanent", () => {
    expect(classifyStatus(200)).toBe("ack");
    expect(classifyStatus(201)).toBe("ack");
    expect(classifyStatus(null)).toBe("retry");
    for (const s of [408, 429, 500, 502, 503, 504]) expect(classifyStatus(s)).toBe("retry");
    for (const s of [400, 401, 403, 404, 409, 410, 422]) expect(classifyStatus(s)).toBe("permanent");
    expect(classifyStatus(304)).toBe("permanent");
  });

  it("backoffDelay grows exponentially, is capped and jittered within ±20%", () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, DEFAULT_BACKOFF, noJitter))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffDelay(20, DEFAULT_BACKOFF, noJitter)).toBe(30_000);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0)).toBe(400);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0.999999)).toBe(600);
    expect(backoffDelay(20, DEFAULT_BACKOFF, () => 0.999999)).toBe(30_000);
  });

  it("parseRetryAfter reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("3", 0)).toBe(3000);
    expect(parseRetryAfter(null, 0)).toBeNull();
    expect(parseRetryAfter("soon", 0)).toBeNull();
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
  });
});

describe("AnswerQueue", () => {
  it("writes to storage before sending, posts to the session endpoint, resolves with the server body on 2xx", async () => {
    const storage = new MemoryStorage();
    const { fetch, calls } = scriptedFetch([{ status: 200, body: { correct: true } }]);
    const q = new AnswerQueue({ sessionId: "s1", storage, fetch, random: noJitter });
    const p = q.submit(answer(0));
    expect(JSON.parse(storage.getItem(storageKey("s1"))!).pending).toHaveLength(1);
    expect(q.pending()).toBe(1);
    await expect(p).resolves.toEqual({ correct: true });
    expect(calls[0]!.url).toBe("/api/sessions/s1/answers");
    expect(calls[0]!.body).toEqual(answer(0));
    expect(q.pending()).toBe(0);
    expect(storage.getItem(storageKey("s1"))).toBeNull();
  });

  it("sends in order, one at a time, and retries the head with backoff until acknowledged", async () => {
    const storage = new MemoryStorage();
    const { fetch, calls } = scriptedFetch([503, new Error("network down"), 500, 200]);
    const q = new AnswerQueue({ sessionId: "s", storage, fetch, random: noJitter });
    const done = [q.submit(answer(1)), q.submit(answer(2)), q.submit(answer(3))];
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.body.index)).toEqual([1]);
    expect(q.state().lastError).toBe("HTTP 503");
    expect(q.state().attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(499);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1); // 500 ms
    expect(calls).toHaveLength(2);
    expect(q.state().lastError).toBe("network down");
    await vi.advanceTimersByTimeAsync(1000); // second backoff: 1000 ms
    expect(calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(2000); // third: 2000 ms, then 200 for all
    await Promise.all(done);
    expect(calls.map((c) => c.body.index)).toEqual([1, 1, 1, 1, 2, 3]);
    expect(q.state()).toMatchObject({ pending: 0, attempts: 0, lastError: null, failures: [] });
  });

  it("honours Retry-After on 429", async () => {
    const { fetch, calls } = scriptedFetch([{ status: 429, headers: { "retry-after": "7" } }, 200]);
    const q = new AnswerQueue({ sessionId: "s", storage: new MemoryStorage(), fetch, random: noJitter });
    const p = q.submit(answer(0));
    await vi.advanceTimersByTimeAsync(6999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(calls).toHaveLength(2);
  });

  it("times out a hung request and retries it", async () => {
    const { fetch, calls } = scriptedFetch(["hang", 200]);
    const q = new AnswerQueue({ sessionId: "s", storage: new MemoryStorage(), fetch, random: noJitter, requestTimeoutMs: 1000 });
    const p = q.submit(answer(0));
    await vi.advanceTimersByTimeAsync(1000);
    expect(q.state().lastError).toBe("request timed out");
    await vi.advanceTimersByTimeAsync(500);
    await p;
    expect(calls).toHaveLength(2);
  });

  it("reports a permanent 4xx failure, rejects its submit, moves on, and makes flush() reject", async () => {
    const storage = new MemoryStorage();
    const { fetch } = scriptedFetch([{ status: 422, body: { error: { code: "INVALID", message: "bad answer" } } }, 200]);
    const q = new AnswerQueue({ sessionId: "s", storage, fetch, random: noJitter });
    const changes: number[] = [];
    q.onChange((s) => changes.push(s.failures.length));
    const first = q.submit(answer(0));
    const second = q.submit(answer(1));
    await expect(first).rejects.toBeInstanceOf(AnswerQueueError);
    await expect(second).resolves.toBeTruthy();
    expect(q.failures()).toEqual([{ index: 0, status: 422, message: "bad answer", answer: answer(0) }]);
    expect(changes).toContain(1);
    await expect(q.flush()).rejects.toMatchObject({ name: "AnswerQueueError", failures: [{ index: 0 }] });
    // Failures survive a reload until cleared.
    expect(new AnswerQueue({ sessionId: "s", storage, fetch, autoStart: false }).failures()).toHaveLength(1);
    q.clearFailures();
    await expect(q.flush()).resolves.toBeUndefined();
    expect(storage.map.size).toBe(0);
  });

  it("survives a reload: a new queue re-reads storage and sends what was not acknowledged", async () => {
    const storage = new MemoryStorage();
    const down = scriptedFetch([new Error("offline")]);
    const before = new AnswerQueue({ sessionId: "s", storage, fetch: down.fetch, random: noJitter });
    void before.submit(answer(4)).catch(() => {});
    void before.submit(answer(5)).catch(() => {});
    await vi.advanceTimersByTimeAsync(0);
    before.dispose(); // the page goes away
    const up = scriptedFetch([200]);
    const after = new AnswerQueue({ sessionId: "s", storage, fetch: up.fetch, random: noJitter });
    expect(after.pending()).toBe(2);
    await after.flush();
    expect(up.calls.map((c) => c.body.index)).toEqual([4, 5]);
    expect(storage.map.size).toBe(0);
  });

  it("ignores a malformed storage entry instead of failing", () => {
    const storage = new MemoryStorage();
    storage.setItem(storageKey("s"), "{not json");
    const q = new AnswerQueue({ sessionId: "s", storage, fetch: scriptedFetch([200]).fetch, autoStart: false });
    expect(q.pending()).toBe(0);
    storage.setItem(storageKey("s"), JSON.stringify({ pending: [answer(1), { index: "x" }, null], failures: "no" }));
    expect(new AnswerQueue({ sessionId: "s", storage, fetch: scriptedFetch([200]).fetch, autoStart: false }).pending()).toBe(1);
  });

  it("retries at once on an online event instead of waiting out the backoff", async () => {
    const events = new FakeEvents();
    const { fetch, calls } = scriptedFetch([new Error("offline"), new Error("offline"), new Error("offline"), 200]);
    const q = new AnswerQueue({ sessionId: "s", storage: new MemoryStorage(), fetch, events, random: noJitter });
    const p = q.submit(answer(0));
    await vi.advanceTimersByTimeAsync(500 + 1000); // two failed retries; next one in 2000 ms
    expect(calls).toHaveLength(3);
    events.fire("online");
    await vi.advanceTimersByTimeAsync(0);
    await p;
    expect(calls).toHaveLength(4);
    q.dispose();
    expect(events.listeners.get("online")!.size).toBe(0);
  });

  it("does not queue the same trial index twice; both submitters get the acknowledgement", async () => {
    const { fetch, calls } = scriptedFetch([503, 200]);
    const q = new AnswerQueue({ sessionId: "s", storage: new MemoryStorage(), fetch, random: noJitter });
    const a = q.submit(answer(7, "real"));
    await vi.advanceTimersByTimeAsync(0);
    const b = q.submit(answer(7, "generated")); // e.g. a double click after a failed attempt
    await vi.advanceTimersByTimeAsync(0);
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra).toEqual(rb);
    expect(calls.map((c) => c.body.answer)).toEqual(["real", "real"]);
  });

  it("flush() resolves at once when nothing is pending and waits for acknowledgement otherwise", async () => {
    const { fetch } = scriptedFetch([500, 200]);
    const q = new AnswerQueue({ sessionId: "s", storage: new MemoryStorage(), fetch, random: noJitter });
    await expect(q.flush()).resolves.toBeUndefined();
    void q.submit(answer(0));
    let flushed = false;
    const f = q.flush().then(() => (flushed = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(flushed).toBe(false);
    await vi.advanceTimersByTimeAsync(500);
    await f;
    expect(flushed).toBe(true);
  });

  it("keeps working in memory when storage is full, and says so", async () => {
    const storage = new MemoryStorage();
    storage.failWrites = true;
    const { fetch } = scriptedFetch([200]);
    const q = new AnswerQueue({ sessionId: "s", storage, fetch });
    const p = q.submit(answer(0));
    expect(q.state().persistent).toBe(false);
    await p;
    expect(q.pending()).toBe(0);
  });

  it("state() is a stable snapshot between changes and unsubscribe stops notifications", async () => {
    const { fetch } = scriptedFetch([200]);
    const q = new AnswerQueue({ sessionId: "s", storage: new MemoryStorage(), fetch });
    const s1 = q.state();
    expect(q.state()).toBe(s1);
    let n = 0;
    const off = q.onChange(() => n++);
    await q.submit(answer(0));
    expect(n).toBeGreaterThan(0);
    off();
    const seen = n;
    await q.submit(answer(1));
    expect(n).toBe(seen);
    expect(q.state()).not.toBe(s1);
  });
});
