"use client";

import { useEffect, useState } from "react";
import { measureRefreshRate } from "@/components/trial/measure-refresh";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { reportDevice, type SessionView } from "./session-api";

/**
 * Measures the display's refresh rate over ≥ 60 frames (exposures are whole frames of it), checks
 * the window size, and asks for fullscreen. The result is stored with the session.
 */
export function DeviceCheck({ session, onDone }: { session: SessionView; onDone(view: SessionView): void }) {
  const [hz, setHz] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [sending, setSending] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    measureRefreshRate(90, { signal: controller.signal })
      .then((measurement) => setHz(measurement.hz))
      .catch((caught: unknown) => {
        if (!controller.signal.aborted) setError(`Could not measure your display: ${(caught as Error).message}. Close other tabs and reload.`);
      });
    const resize = () => setSize({ width: window.innerWidth, height: window.innerHeight });
    resize();
    window.addEventListener("resize", resize);
    return () => {
      controller.abort();
      window.removeEventListener("resize", resize);
    };
  }, []);

  const bigEnough = size.width >= session.minWindow.width && size.height >= session.minWindow.height;

  async function proceed() {
    if (hz === null) return;
    setSending(true);
    setError(null);
    await document.documentElement.requestFullscreen?.().catch(() => undefined);
    try {
      const { session: view } = await reportDevice(session.id, {
        refreshHz: hz,
        windowWidth: window.innerWidth,
        windowHeight: window.innerHeight,
        devicePixelRatio: window.devicePixelRatio,
        fullscreen: Boolean(document.fullscreenElement),
        touch: navigator.maxTouchPoints > 0,
        userAgent: navigator.userAgent.slice(0, 500),
      });
      onDone(view);
    } catch (caught) {
      setError((caught as Error).message);
      setSending(false);
    }
  }

  return (
    <div className="mx-auto max-w-xl rounded-xl border border-zinc-200 bg-white p-8 shadow-sm" data-testid="device-check">
      <h1 className="text-xl font-semibold">Checking your screen</h1>
      <p className="mt-2 text-sm text-zinc-600">
        Images are shown for an exact number of screen refreshes, so we measure your display first. Please use a desktop or
        laptop, keep this window in front, and do not switch tabs during the study.
      </p>
      <dl className="mt-6 grid grid-cols-2 gap-3 text-sm">
        <dt className="text-zinc-500">Refresh rate</dt>
        <dd data-testid="refresh-rate">{hz === null ? "measuring…" : `${hz} Hz`}</dd>
        <dt className="text-zinc-500">Window</dt>
        <dd className={bigEnough ? "" : "text-red-700"}>
          {size.width}×{size.height} {bigEnough ? "✓" : `(needs ${session.minWindow.width}×${session.minWindow.height})`}
        </dd>
      </dl>
      <div className="mt-6 space-y-3">
        <FormError message={error} />
        <Button onClick={proceed} disabled={hz === null || sending || !bigEnough} autoFocus>
          {sending ? "Saving…" : "Enter fullscreen and continue"}
        </Button>
      </div>
    </div>
  );
}
