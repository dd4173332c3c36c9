/**
 * Debian's Chromium, never a downloaded browser, with the flags that keep it quiet on a machine
 * whose only network is loopback (STACK-NOTES.md). Shared by Playwright and the benches.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
