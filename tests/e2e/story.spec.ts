import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect as baseExpect, test, type Page } from "@playwright/test";
import { image } from "../fixtures/ingest/fixtures";
import { annotateThroughApi, answerUntilDone, dropFiles, finishPractice, join, PASSWORD, payload, signIn, signUp } from "./helpers";

/**
 * The whole researcher story in one flow, on one fresh researcher: sign-up by invitation, three
 * image sets uploaded in the browser, a two-arm study set up and launched on its page, two
 * annotators (one in the real trial UI by keyboard, one through the API with Prolific ids), the
 * results page, the trials.csv download, and `npm run score` on it giving the page's numbers.
 * Each piece has its own tests elsewhere; this one proves they fit together.
 */
test.describe.configure({ mode: "serial", timeout: 240_000 });
// Password hashing, uploads and page builds are slow on a loaded 2-core machine.
const expect = baseExpect.configure({ timeout: 30_000 });

const ADMIN = { name: "Ada Admin", email: "ada@example.org" };
const RESEARCHER = { name: "Sam Storyteller", email: "sam.story@example.org" };
const PROLIFIC = { pid: "story-prolific-pid-0001", study: "story-prolific-study", session: "story-prolific-session-1" };
/** Six untimed trials per evaluator: three real and three generated images each. */
const TRIALS = 6;
const IMAGES_PER_SET = 4;
const SIDE = 128;

let studyId = "";
let linkCode = "";
let setIds: string[] = [];

/** Spine's admin when spine.spec ran first; otherwise this file signs up first and becomes the admin. */
async function signInAsAdmin(page: Page) {
  await page.goto("/signup");
  await page.getByLabel("Name").fill(ADMIN.name);
  await page.getByLabel("E-mail").fill(ADMIN.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  const outcome = await Promise.race([
    page.waitForURL(/\/dashboard$/).then(() => "signed-up" as const),
    page.getByRole("alert").filter({ hasText: /by invitation only|already/ }).waitFor().then(() => "exists" as const),
  ]);
  if (outcome === "exists") await signIn(page, ADMIN.email);
}

async function createImageSet(page: Page, name: string, label: "REAL" | "GENERATED", seed: number): Promise<string> {
  await page.goto("/image-sets");
  await page.getByLabel("Set name").fill(name);
  await page.getByLabel(label === "REAL" ? "Real (photographs, the reference)" : "Generated (one model's outputs)").check();
  await page.getByRole("button", { name: "Create image set" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  const files = await Promise.all(
    Array.from({ length: IMAGES_PER_SET }, async (_, i) => payload(`${name.replace(/\W+/g, "-")}-${i}.png`, "image/png", await image("png", SIDE, SIDE, seed + i))),
  );
  await dropFiles(page, files);
  await expect(page.getByTestId("files-processed")).toHaveText(`${IMAGES_PER_SET} of ${IMAGES_PER_SET} files`, { timeout: 30_000 });
  await page.getByRole("button", { name: `Add ${IMAGES_PER_SET} images to the set` }).click();
  await expect(page.getByRole("status")).toHaveText(`Added ${IMAGES_PER_SET} images to the set.`);
  await expect(page.getByTestId("set-summary")).toHaveText(`${IMAGES_PER_SET} images · ${SIDE}×${SIDE} px`);
  return new URL(page.url()).pathname.split("/").at(-1)!;
}

test("a fresh researcher is invited, signs up, and uploads a real and two generated image sets in the browser", async ({ page, browser }) => {
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signInAsAdmin(admin);
  const created = await admin.request.post("/api/admin/invitations", { data: { email: RESEARCHER.email, role: "RESEARCHER" } });
  expect(created.status()).toBe(201);
  const link = new URL((await created.json()).invitation.link);
  await adminContext.close();

  await signUp(page, RESEARCHER, link.pathname + link.search);
  await expect(page.getByRole("heading", { name: "Your studies" })).toBeVisible();
  setIds = [
    await createImageSet(page, "Story real photos", "REAL", 7100),
    await createImageSet(page, "Story model A", "GENERATED", 7200),
    await createImageSet(page, "Story model B", "GENERATED", 7300),
  ];
});

test("sets up a two-arm HYPE_∞ study on its page and launches it", async ({ page }) => {
  await signIn(page, RESEARCHER.email);
  await page.getByLabel("Study name").fill("Story study");
  await page.getByRole("button", { name: "Create study" }).click();
  await expect(page.getByRole("heading", { name: "Story study" })).toBeVisible();
  studyId = page.url().split("/studies/")[1]!;

  const form = page.getByRole("form", { name: "Study setup" });
  const timed = form.getByLabel("HYPE_time (adaptive exposure, ms)");
  if (await timed.isChecked()) await timed.uncheck();
  const untimed = form.getByLabel("HYPE_∞ (untimed error rate, %)");
  if (!(await untimed.isChecked())) await untimed.check();
  await form.getByLabel("HYPE_∞ trials").fill(String(TRIALS));
  await form.getByLabel("Real images").selectOption({ label: `Story real photos (${IMAGES_PER_SET} images, ${SIDE}×${SIDE})` });
  for (const [index, model] of ["A", "B"].entries()) {
    if ((await form.getByLabel(`Arm ${index + 1} name`).count()) === 0) await form.getByRole("button", { name: "Add arm" }).click();
    await form.getByLabel(`Arm ${index + 1} name`).fill(`Model ${model}`);
    await form.getByLabel(`Arm ${index + 1} generated images`).selectOption({ label: `Story model ${model} (${IMAGES_PER_SET})` });
    await form.getByLabel(`Arm ${index + 1} evaluators wanted`).fill("1");
  }
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("status")).toHaveText("Saved.");

  page.on("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Launch study" }).click();
  await expect(page.getByRole("button", { name: "Pause" })).toBeVisible();
  linkCode = (await page.getByTestId("study-link").textContent())!.trim().replace(/^\/s\//, "");
  const study = (await (await page.request.get(`/api/studies/${studyId}`)).json()).study;
  expect(study).toMatchObject({ status: "LIVE", protocols: ["HYPE_INFINITY"] });
});

test("two annotators finish it: one in the trial UI by keyboard, one through the API with Prolific ids", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await join(page, `/s/${linkCode}`);
  await finishPractice(page);
  expect(await answerUntilDone(page, undefined, Infinity, (index) => (index % 2 === 0 ? "f" : "j"))).toBe(TRIALS);
  await expect(page.getByTestId("completion-code")).toHaveText(/^[0-9A-F]{12}$/);
  await context.close();

  const prolific = await annotateThroughApi(browser, `/s/${linkCode}?PROLIFIC_PID=${PROLIFIC.pid}&STUDY_ID=${PROLIFIC.study}&SESSION_ID=${PROLIFIC.session}`);
  expect(prolific).toMatchObject({ timed: false, answered: TRIALS });
});

test("the results page shows both arms' scores and plots, and npm run score on its trials.csv gives the same numbers", async ({ page }) => {
  await signIn(page, RESEARCHER.email);
  await page.goto(`/studies/${studyId}/results`);
  await expect(page.getByRole("heading", { name: "Results" })).toBeVisible();
  const cards = page.getByTestId("score-card");
  await expect(cards).toHaveCount(2);
  for (const card of await cards.all()) await expect(card.getByTestId("hype-inf")).toContainText(/\d+\.\d%/);
  await expect(page.getByTestId("score-chart").first().locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(page.getByTestId("evaluator-table").locator("tbody tr")).toHaveCount(2);

  const command = (await page.getByTestId("score-command").textContent())!.trim();
  // The page's exclusion rules follow as flags; the CLI gets them exactly as printed.
  const match = /^npm run score -- (percept-\S+-trials\.csv) --seed (-?\d+) --resamples (\d+)((?: --[a-z-]+(?: \d+(?:\.\d+)?)?)*)$/.exec(command);
  expect(match, command).not.toBeNull();
  const [, fileName, seed, resamples, ruleFlags] = match!;

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "trials.csv" }).click()]);
  expect(download.suggestedFilename()).toBe(fileName);
  const dir = await mkdtemp(path.join(tmpdir(), "percept-story-"));
  try {
    const csv = path.join(dir, fileName!);
    await download.saveAs(csv);
    const { stdout } = await promisify(execFile)("npx", ["tsx", "scripts/score.ts", csv, "--seed", seed!, "--resamples", resamples!, ...ruleFlags!.split(" ").filter(Boolean)], { maxBuffer: 64 * 1024 * 1024 });
    const cli = JSON.parse(stdout.trim().split("\n").at(-1)!) as { counts: { rows: number }; scores: { arms: { arm: string; hypeInf: { score: number; ci: [number, number] } | null }[] } };
    expect(cli.counts.rows).toBe(2 * TRIALS);

    // The numbers the page prints are the CLI's, rounded as the page rounds them.
    for (const arm of cli.scores.arms) {
      const card = page.getByRole("region", { name: `Scores of ${arm.arm}` });
      await expect(card.getByTestId("hype-inf")).toContainText(`${arm.hypeInf!.score.toFixed(1)}%`);
      await expect(card.getByTestId("hype-inf")).toContainText(`${arm.hypeInf!.ci[0].toFixed(1)}–${arm.hypeInf!.ci[1].toFixed(1)}%`);
    }
    // And the page's scores, unrounded, are the CLI's JSON.
    const api = await (await page.request.get(`/api/studies/${studyId}/scores?seed=${seed}&resamples=${resamples}`)).json();
    expect(api.counts).toEqual(cli.counts);
    expect(api.scores).toEqual(cli.scores);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const evaluators = await (await page.request.get(`/api/studies/${studyId}/export/evaluators.csv`)).text();
  expect(evaluators).toContain(`${PROLIFIC.pid},${PROLIFIC.study},${PROLIFIC.session}`);
});

test("another researcher can neither see, export nor change the study or its image sets (404s)", async ({ page }) => {
  await signIn(page, "demo@percept.local", "percept-demo");
  const api = page.request;
  const responses = {
    study: await api.get(`/api/studies/${studyId}`),
    rename: await api.patch(`/api/studies/${studyId}`, { data: { name: "Taken over" } }),
    close: await api.post(`/api/studies/${studyId}/status`, { data: { action: "close" } }),
    trials: await api.get(`/api/studies/${studyId}/export/trials.csv`),
    evaluators: await api.get(`/api/studies/${studyId}/export/evaluators.csv`),
    scores: await api.get(`/api/studies/${studyId}/scores`),
    imageSet: await api.get(`/api/image-sets/${setIds[0]}`),
    startImport: await api.post(`/api/image-sets/${setIds[1]}/imports`, { data: { targetSize: null } }),
  };
  for (const [what, response] of Object.entries(responses)) {
    expect(response.status(), what).toBe(404);
    expect((await response.json()).error.code, what).toBe("NOT_FOUND");
  }
  await page.goto(`/studies/${studyId}/results`);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();

  await signIn(page, RESEARCHER.email);
  const study = (await (await page.request.get(`/api/studies/${studyId}`)).json()).study;
  expect(study).toMatchObject({ name: "Story study", status: "LIVE" });
});
