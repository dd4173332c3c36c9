import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./tests/support/chromium";

const PORT = Number(process.env.E2E_PORT ?? 3200);
const DATA_DIR = ".data-e2e";

/**
 * Browser tests drive Debian's Chromium (never a downloaded browser) against the production
 * build on a fresh embedded database.
 */
export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: {
    command: `rm -rf ${DATA_DIR} && npm run build && npm start`,
    url: `http://127.0.0.1:${PORT}/api/health`,
    // A production build takes over 5 minutes on a loaded 2-core machine.
    timeout: 900_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      PORT: String(PORT),
      PERCEPT_DATA_DIR: DATA_DIR,
      PERCEPT_DEMO: "1",
      NEXT_TELEMETRY_DISABLED: "1",
      // The e2e server is plain http on loopback.
      PERCEPT_INSECURE_COOKIES: "1",
      DATABASE_URL: "",
    },
  },
});
