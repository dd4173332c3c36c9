import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type Page } from "@playwright/test";

/**
 * Automatic metrics in the browser: the demo researcher uploads the fixture ONNX model (same
 * contract as the FID Inception), computes metrics for the demo study's arms with the progress bar,
 * and sees the runs and the cross-reference; a wrong file is refused with a clear message.
 */
test.describe.configure({ mode: "serial", timeout: 90_000 });

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/onnx/tiny-inception.onnx");

async function openMetrics(page: Page): Promise<string> {
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill("demo@percept.local");
  await page.getByLabel("Password").fill("percept-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/, { timeout: 30_000 });
  await page.getByRole("link", { name: /Demo study/ }).click();
  await expect(page).toHaveURL(/\/studies\/[^/]+$/);
  const studyId = page.url().split("/studies/")[1]!;
  await page.goto(`/studies/${studyId}/metrics`);
  await expect(page.getByRole("heading", { name: "Automatic metrics", exact: true })).toBeVisible();
  return studyId;
}

test("a text file posing as a model is refused with a clear message", async ({ page }) => {
  await openMetrics(page);
  await page.getByLabel(/ONNX feature extractor/).setInputFiles({ name: "notes.onnx", mimeType: "application/octet-stream", buffer: Buffer.from("These are my notes, not a neural network.\n".repeat(4)) });
  const alert = page.getByTestId("metrics-error");
  await expect(alert).toContainText("notes.onnx was refused");
  await expect(alert).toContainText("This file is not an ONNX model");
  await expect(page.getByRole("button", { name: "Compute metrics" })).toBeDisabled();
});

test("the fixture model computes every arm's metrics with progress, and the cross-reference shows them", async ({ page }) => {
  // Features of three sets and two d = 2048 Fréchet distances in the browser: most of a minute on 2 cores.
  test.slow();
  const studyId = await openMetrics(page);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));

  await page.getByLabel(/ONNX feature extractor/).setInputFiles(FIXTURE);
  await expect(page.getByTestId("model-ready")).toContainText("tiny-inception.onnx", { timeout: 30_000 });
  await expect(page.getByTestId("model-ready")).toContainText(/on (wasm|webgpu)/);

  // Earlier specs (headers.spec) may already have computed this demo study's metrics: judge the
  // runs this test adds.
  type StoredRun = { id: string; armName: string | null; status: string; results: { kind: string; images: number; fid?: number; precision?: number } };
  const storedRuns = async () => {
    const response = await page.request.get(`/api/studies/${studyId}/metrics`);
    expect(response.status()).toBe(200);
    return ((await response.json()) as { runs: StoredRun[] }).runs;
  };
  const before = new Set((await storedRuns()).map((run) => run.id));

  await page.getByLabel("Batch size").fill("4");
  await page.getByRole("button", { name: "Compute metrics" }).click();
  const bar = page.getByRole("progressbar", { name: "Feature extraction" });
  await expect(bar).toBeVisible();
  await expect(page.getByTestId("metrics-progress")).toContainText(/images\/s · ETA/, { timeout: 30_000 });
  await expect(page.getByText(/^Done in /)).toBeVisible({ timeout: 60_000 });
  await expect(bar).toHaveAttribute("aria-valuenow", "100");

  // Both arms stored with FID and the rest; the real set's statistics are computed once per model and
  // then reused, so this run adds the reference only when no earlier one exists.
  const stored = await storedRuns();
  const added = stored.filter((run) => !before.has(run.id));
  expect(added.map((run) => run.status)).toEqual(added.map(() => "SUCCEEDED"));
  const arms = added.filter((run) => run.armName !== null);
  expect(arms.map((run) => run.armName).sort()).toEqual(["Model A", "Model B"]);
  expect(added.length - arms.length).toBe(before.size === 0 ? 1 : 0);
  expect(stored.some((run) => run.armName === null && run.status === "SUCCEEDED")).toBe(true);
  for (const run of added) expect(run.results.images).toBe(12);
  for (const run of arms) {
    expect(run.results.fid).toBeGreaterThan(0);
    expect(run.results.precision).toBeGreaterThanOrEqual(0);
  }
  const runs = page.getByTestId("metric-runs");
  await expect(runs.locator("tbody tr")).toHaveCount(stored.length);
  await expect(runs).toContainText("Real set (reference)");
  await expect(runs).toContainText("Model A");
  await expect(runs).toContainText("Model B");

  // Cross-reference: both arms carry an FID; Spearman table and the scatter are there.
  const xref = page.getByTestId("cross-reference");
  await expect(xref.locator("tbody tr").first()).toContainText("Model A");
  const fidCells = xref.locator("table").first().locator("tbody tr td:nth-child(4)");
  await expect(fidCells).toHaveCount(2);
  for (const cell of await fidCells.all()) await expect(cell).toHaveText(/^\d+\.\d\d$/);
  await expect(page.getByTestId("correlations")).toContainText("Spearman ρ");
  await expect(page.getByTestId("cross-reference-scatter")).toBeVisible();
  expect(errors).toEqual([]);
});

test("a run can be cancelled and the page is ready for the next one", async ({ page }) => {
  await openMetrics(page);
  // Each test has a fresh browser context (empty Cache Storage): upload the model again.
  await page.getByLabel(/ONNX feature extractor/).setInputFiles(FIXTURE);
  await expect(page.getByTestId("model-ready")).toBeVisible({ timeout: 30_000 });
  await page.getByLabel("Batch size").fill("1");
  await page.getByRole("button", { name: "Compute metrics" }).click();
  await expect(page.getByRole("progressbar", { name: "Feature extraction" })).toBeVisible();
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByText(/^Cancelled\./)).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole("button", { name: "Cancel" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Compute metrics" })).toBeEnabled();
});
