import { describe, expect, it } from "vitest";
import { createWorkerPresenterCore, type FromWorker, type ToWorker, type WorkerImage } from "@/components/trial/presenter-worker-core";

const p = 1000 / 60;

type Img = WorkerImage & { name: string; closed: boolean };
const img = (name: string, width = 256, height = 256): Img => {
  const i: Img = { name, width, height, closed: false, close: () => (i.closed = true) };
  return i;
};

/** A fake worker: rAF callbacks run when the test calls frame(); canvases record what was drawn. */
function setup() {
  let queue: { handle: number; cb: (t: number) => void }[] = [];
  let nextHandle = 1;
  let now = 0;
  const posted: FromWorker[] = [];
  const core = createWorkerPresenterCore<Img>(
    {
      requestAnimationFrame(cb) {
        queue.push({ handle: nextHandle, cb });
        return nextHandle++;
      },
      cancelAnimationFrame(handle) {
        queue = queue.filter((q) => q.handle !== handle);
      },
      now: () => now,
      post: (m) => posted.push(m),
    },
    { raf: true, offscreen2d: true, timeOrigin: 1_700_000_000_000 },
  );
  const frame = (t: number) => {
    now = t;
    const due = queue;
    queue = [];
    for (const q of due) q.cb(t);
  };
  const canvas = (fail = false) => {
    const ops: string[] = [];
    const c = {
      width: 300,
      height: 150,
      ops,
      /** What the canvas shows now. */
      get showing() {
        return ops[ops.length - 1];
      },
      getContext: () =>
        fail
          ? null
          : {
              fillStyle: "" as unknown,
              fillRect(_x: number, _y: number, w: number, h: number) {
                ops.push(`fill ${String(this.fillStyle)} ${w}x${h}`);
              },
              drawImage(i: Img) {
                ops.push(`draw ${i.name}`);
              },
            },
    };
    return c;
  };
  const send = (m: ToWorker<unknown, Img>) => core.handle(m);
  return {
    core,
    posted,
    frame,
    canvas,
    send,
    setNow: (t: number) => (now = t),
    get pendingFrames() {
      return queue.length;
    },
  };
}

const bg = "rgb(64, 64, 64)";

describe("worker presenter core", () => {
  it("answers the handshake with its capabilities and time origin", () => {
    const w = setup();
    w.send({ type: "hello" });
    expect(w.posted).toEqual([{ type: "hello", raf: true, offscreen2d: true, timeOrigin: 1_700_000_000_000 }]);
  });

  it("clears an attached canvas at once, and presents a timed trial frame by frame", () => {
    const w = setup();
    const c = w.canvas();
    w.send({ type: "attach", canvasId: 1, canvas: c, background: bg });
    expect(c.ops).toEqual([`fill ${bg} 300x150`]);
    const stim = img("stim");
    const ms = [img("m1"), img("m2")];
    w.send({ type: "present", id: 7, canvasId: 1, plan: { requestedFrames: 3, maskFrames: [2, 2] }, hz: 60, mode: "compensated", background: bg, stimulus: stim, masks: ms });
    // Sized to the stimulus and cleared before the first frame.
    expect([c.width, c.height]).toEqual([256, 256]);
    expect(c.showing).toBe(`fill ${bg} 256x256`);
    const shown: (string | undefined)[] = [];
    for (let k = 0; k < 10; k++) {
      w.frame(500 + k * p);
      shown.push(c.showing);
    }
    expect(shown.slice(0, 8)).toEqual(["draw stim", "draw stim", "draw stim", "draw m1", "draw m1", "draw m2", "draw m2", `fill ${bg} 256x256`]);
    expect(w.posted[0]).toEqual({ type: "onset", id: 7, t: 500 });
    const done = w.posted[1] as Extract<FromWorker, { type: "done" }>;
    expect(done.type).toBe("done");
    expect(done.id).toBe(7);
    expect(done.result).toMatchObject({ requestedFrames: 3, presentedFrames: 3, stimulusOnset: 500, maskRequestedFrames: 4, flags: [] });
    expect(done.result.measuredMs).toBeCloseTo(3 * p, 9);
    expect(w.posted).toHaveLength(2);
    // The worker owns the bitmaps it was sent and frees them when done.
    expect([stim, ...ms].every((i) => i.closed)).toBe(true);
    expect(w.core.running).toBe(0);
    expect(w.pendingFrames).toBe(0);
  });

  it("keeps an untimed stimulus up until `end`, and reports when it was taken down", () => {
    const w = setup();
    const c = w.canvas();
    w.send({ type: "attach", canvasId: 1, canvas: c, background: bg });
    w.send({ type: "present", id: 1, canvasId: 1, plan: null, hz: 60, mode: "compensated", background: bg, stimulus: img("s"), masks: [] });
    w.frame(100);
    expect(c.showing).toBe("draw s");
    expect(w.posted).toEqual([{ type: "onset", id: 1, t: 100 }]);
    w.frame(117);
    expect(w.pendingFrames).toBe(0); // no rAF loop while an untimed stimulus is up
    w.setNow(2345);
    w.send({ type: "end", id: 1 });
    expect(c.showing).toBe(`fill ${bg} 256x256`);
    expect(w.posted[1]).toMatchObject({ type: "done", id: 1, result: { requestedFrames: null, measuredMs: null, stimulusOnset: 100, stimulusOffset: 2345 } });
  });

  it("an `end` before the first frame takes the stimulus down right after drawing it", () => {
    const w = setup();
    const c = w.canvas();
    w.send({ type: "attach", canvasId: 1, canvas: c, background: bg });
    w.send({ type: "present", id: 1, canvasId: 1, plan: null, hz: 60, mode: "compensated", background: bg, stimulus: img("s"), masks: [] });
    w.send({ type: "end", id: 1 });
    expect(w.posted).toEqual([]);
    w.frame(50);
    expect(c.ops.slice(-2)).toEqual(["draw s", `fill ${bg} 256x256`]);
    expect(w.posted.map((m) => m.type)).toEqual(["onset", "done"]);
  });

  it("abort clears the canvas, frees the images and reports nothing", () => {
    const w = setup();
    const c = w.canvas();
    w.send({ type: "attach", canvasId: 1, canvas: c, background: bg });
    const stim = img("s");
    w.send({ type: "present", id: 3, canvasId: 1, plan: { requestedFrames: 30, maskFrames: [] }, hz: 60, mode: "compensated", background: bg, stimulus: stim, masks: [] });
    w.frame(0);
    w.frame(p);
    w.send({ type: "abort", id: 3 });
    expect(c.showing).toBe(`fill ${bg} 256x256`);
    expect(stim.closed).toBe(true);
    w.frame(2 * p);
    expect(w.posted.map((m) => m.type)).toEqual(["onset"]);
    expect(w.core.running).toBe(0);
    // Aborting twice, or an unknown id, is harmless.
    w.send({ type: "abort", id: 3 });
    w.send({ type: "end", id: 99 });
  });

  it("a new presentation on the same canvas replaces the running one", () => {
    const w = setup();
    const c = w.canvas();
    w.send({ type: "attach", canvasId: 1, canvas: c, background: bg });
    const a = img("a");
    w.send({ type: "present", id: 1, canvasId: 1, plan: null, hz: 60, mode: "compensated", background: bg, stimulus: a, masks: [] });
    w.frame(0);
    w.send({ type: "present", id: 2, canvasId: 1, plan: { requestedFrames: 1, maskFrames: [] }, hz: 60, mode: "compensated", background: bg, stimulus: img("b"), masks: [] });
    expect(a.closed).toBe(true);
    w.frame(p);
    w.frame(2 * p);
    w.send({ type: "end", id: 1 });
    expect(w.posted.filter((m) => m.type === "done").map((m) => (m as { id: number }).id)).toEqual([2]);
  });

  it("reports errors: unknown canvas (freeing the images), no 2D context", () => {
    const w = setup();
    const s = img("s");
    w.send({ type: "present", id: 5, canvasId: 42, plan: null, hz: 60, mode: "compensated", background: bg, stimulus: s, masks: [] });
    expect(w.posted).toEqual([{ type: "error", id: 5, message: "canvas 42 is not attached" }]);
    expect(s.closed).toBe(true);
    w.send({ type: "attach", canvasId: 1, canvas: w.canvas(true), background: bg });
    expect(w.posted[1]).toEqual({ type: "error", id: null, message: "2D context unavailable on the OffscreenCanvas" });
    expect(w.core.canvases).toBe(0);
  });

  it("release stops what runs on the canvas and frees its backing store", () => {
    const w = setup();
    const c = w.canvas();
    w.send({ type: "attach", canvasId: 1, canvas: c, background: bg });
    w.send({ type: "present", id: 1, canvasId: 1, plan: { requestedFrames: 5, maskFrames: [] }, hz: 60, mode: "compensated", background: bg, stimulus: img("s"), masks: [] });
    w.frame(0);
    w.send({ type: "release", canvasId: 1 });
    expect([c.width, c.height]).toEqual([0, 0]);
    expect(w.core.canvases).toBe(0);
    expect(w.core.running).toBe(0);
    expect(w.pendingFrames).toBe(0);
  });
});
