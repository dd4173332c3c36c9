import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { annotateThroughApi } from "./helpers";

/**
 * The results page and the exports of the demo study: what the researcher sees before and after
 * annotators answer (annotators answer through the API, not the trial UI, to keep this short), the
 * trials.csv download, and that exports need a signed-in owner.
 */
test.describe.configure({ mode: "serial", timeout: 90_000 });

let studyId = "";
let linkCode = "";

async function signInAsDemo(page: Page) {
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill("demo@percept.local");
  await page.getByLabel("Password").fill("percept-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/, { timeout: 30_000 });
}

async function openDemoResults(page: Page) {
  await signInAsDemo(page);
  await page.getByRole("link", { name: /Demo study/ }).click();
  await expect(page).toHaveURL(/\/studies\/[^/]+$/);
  studyId = page.url().split("/studies/")[1]!;
  linkCode = (await page.getByTestId("study-link").textContent())!.trim().replace(/^\/s\//, "");
  await page.goto(`/studies/${studyId}/results`);
  await expect(page.getByRole("heading", { name: "Results" })).toBeVisible();
}

async function rowsScored(request: APIRequestContext): Promise<number> {
  const response = await request.get(`/api/studies/${studyId}/scores?resamples=100`);
  expect(response.status()).toBe(200);
  return (await response.json()).counts.rows;
}

test("before this test's annotators answer, the page shows what is stored: the empty state or the scores", async ({ page }) => {
  await openDemoResults(page);
  // Earlier browser tests may already have answered in the demo study (they share its database).
  if ((await rowsScored(page.request)) === 0) {
    await expect(page.getByTestId("results-empty")).toContainText("No answers yet — share the annotator link");
    await expect(page.getByTestId("results-empty")).toContainText(`/s/${linkCode}`);
    await expect(page.getByTestId("score-card")).toHaveCount(0);
  } else {
    await expect(page.getByTestId("score-card")).toHaveCount(2);
    await expect(page.getByTestId("results-empty")).toHaveCount(0);
  }
  await expect(page.getByRole("navigation", { name: "Downloads" }).getByRole("link")).toHaveCount(5);
});

test("after annotators finish, cards, plots and the evaluator table render, and trials.csv downloads", async ({ page, browser }) => {
  await openDemoResults(page);
  const before = await rowsScored(page.request);
  // Annotate until a timed (staircase) session is among them, at least two sessions.
  const sessions: Awaited<ReturnType<typeof annotateThroughApi>>[] = [];
  while (sessions.length < 2 || !sessions.some((s) => s.timed)) {
    expect(sessions.length).toBeLessThan(5);
    sessions.push(await annotateThroughApi(browser, `/s/${linkCode}`));
  }
  const added = sessions.reduce((sum, s) => sum + s.answered, 0);
  expect(await rowsScored(page.request)).toBe(before + added);

  await page.reload();
  await expect(page.getByTestId("score-card")).toHaveCount(2);
  await expect(page.getByTestId("hype-time").first()).toContainText(/\d+\.\d ms/);
  // The charts drew their marks: bars with error bars, staircase steps, psychometric points.
  await expect(page.getByTestId("score-chart").first().locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(page.getByTestId("score-chart").first().locator(".recharts-errorBar").first()).toBeAttached();
  await expect(page.getByTestId("staircase-chart").locator(".recharts-line-curve").first()).toBeVisible();
  await expect(page.getByTestId("accuracy-curve").locator(".recharts-line-dots circle").first()).toBeVisible();
  const table = page.getByTestId("evaluator-table");
  for (const s of sessions) await expect(table.locator(`td[title="${s.sessionId}"]`)).toHaveCount(1);
  await expect(page.getByTestId("score-command")).toContainText(`npm run score -- percept-${studyId}-trials.csv --seed `);

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "trials.csv" }).click()]);
  expect(download.suggestedFilename()).toBe(`percept-${studyId}-trials.csv`);
  const csv = await (await download.createReadStream()).toArray();
  const lines = Buffer.concat(csv).toString("utf8").split("\r\n").filter((line) => line !== "");
  expect(lines[0]).toMatch(/^study,arm,evaluator,protocol,block,trial,label,answer,correct,exposure_ms,/);
  expect(lines).toHaveLength(1 + before + added);
  for (const s of sessions) expect(lines.filter((line) => line.split(",")[2] === s.sessionId)).toHaveLength(s.answered);
});

test("exports and scores need a signed-in owner: anonymous requests and annotators get 401", async ({ playwright, browser }) => {
  const anonymous = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  for (const path of ["export/trials.csv", "export/trials.json", "export/evaluators.csv", "export/manifest.json", "scores"]) {
    const response = await anonymous.get(`/api/studies/${studyId}/${path}`);
    expect(response.status(), path).toBe(401);
    expect((await response.json()).error.code).toBe("UNAUTHENTICATED");
  }
  await anonymous.dispose();
  // An annotator holds a participant cookie, not an account.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`/s/${linkCode}`);
  await page.getByLabel(/agree to take part/).check();
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page).toHaveURL(/\/session$/);
  expect((await context.request.get(`/api/studies/${studyId}/export/trials.csv`)).status()).toBe(401);
  await context.close();
});
