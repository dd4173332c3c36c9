import { defineConfig } from "vitest/config";
import os from "node:os";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname) } },
  test: {
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts", "tests/security/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    // Images written by tests go to a scratch directory, never to the developer's .data/.
    env: { PERCEPT_DATA_DIR: path.join(os.tmpdir(), `percept-vitest-${process.pid}`) },
    hookTimeout: 120_000,
  },
});
