import { expect, test, type Browser, type Page } from "@playwright/test";

/**
 * An annotator's whole session in the demo study (2 timed blocks of 8 trials at 60 Hz-ish
 * headless frames, after 3 practice trials), by keyboard only.
 */
test.describe.configure({ mode: "serial", timeout: 240_000 });

let studyLink = "";

async function demoLink(browser: Browser): Promise<string> {
  if (studyLink) return studyLink;
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill("demo@percept.local");
  await page.getByLabel("Password").fill("percept-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("link", { name: /Demo study/ }).click();
  studyLink = (await page.getByTestId("study-link").textContent())!.trim();
  await context.close();
  return studyLink;
}

async function join(page: Page, link: string) {
  await page.goto(link);
  await page.getByLabel(/agree to take part/).check();
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByTestId("refresh-rate")).toHaveText(/\d+ Hz/, { timeout: 15_000 });
  await page.getByRole("button", { name: "Enter fullscreen and continue" }).click();
}

const trialStage = (page: Page) => page.locator('section[aria-label="Trial"]');

/** Waits for the answer prompt, answers with a key, and returns the feedback shown (if any). */
async function answer(page: Page, key: string): Promise<string | null> {
  await expect(trialStage(page)).toHaveAttribute("data-phase", "prompt", { timeout: 20_000 });
  await page.keyboard.press(key);
  // Once the answer is stored the stage shows its verdict ("feedback"), or moves straight on when
  // there is none (a replaced trial): no waiting for a verdict that will not come.
  await expect(trialStage(page)).not.toHaveAttribute("data-phase", /^(prompt|submitting)$/, { timeout: 20_000 });
  return trialStage(page).locator("text=/^(Correct|Incorrect)$/").textContent({ timeout: 500 }).catch(() => null);
}

async function finishPractice(page: Page) {
  await expect(page.getByTestId("tutorial")).toBeVisible();
  for (let i = 0; i < 3; i++) await answer(page, "f");
  await expect(page.getByTestId("trial")).toBeVisible({ timeout: 20_000 });
}

/** Answers until the completion screen; presses Space at block breaks. Returns the trials answered. */
async function answerUntilDone(page: Page, onAnswered?: (index: number, feedback: string | null) => void, stopAfter = Infinity) {
  let answered = 0;
  while (answered < stopAfter) {
    const state = await Promise.race([
      page.getByTestId("completed").waitFor({ timeout: 30_000 }).then(() => "done" as const),
      page.getByTestId("block-break").waitFor({ timeout: 30_000 }).then(() => "break" as const),
      trialStage(page).and(page.locator('[data-phase="prompt"]')).waitFor({ timeout: 30_000 }).then(() => "prompt" as const),
    ]);
    if (state === "done") break;
    if (state === "break") {
      await page.keyboard.press(" ");
      await expect(page.getByTestId("block-break")).toBeHidden();
      continue;
    }
    const feedback = await answer(page, "f");
    onAnswered?.(answered, feedback);
    answered++;
  }
  return answered;
}

test("an annotator finishes a short study with the keyboard; real and generated stimuli look alike on the wire", async ({ browser }) => {
  const link = await demoLink(browser);
  const context = await browser.newContext();
  const page = await context.newPage();
  const stimuli: { url: string; headers: Record<string, string>; body: Buffer }[] = [];
  // Fetched through Playwright so that the bytes can be kept (Chromium drops fetched blob bodies).
  await page.route("**/api/stimuli/*", async (route) => {
    const response = await route.fetch();
    const url = new URL(route.request().url());
    // Stimulus tokens are 43 characters; mask tokens are longer signed values.
    if (/^\/api\/stimuli\/[A-Za-z0-9_-]{43}$/.test(url.pathname)) {
      stimuli.push({ url: url.pathname, headers: response.headers(), body: await response.body() });
    }
    await route.fulfill({ response });
  });

  await join(page, link);
  await finishPractice(page);
  const verdicts: (string | null)[] = [];
  const answered = await answerUntilDone(page, (_, feedback) => verdicts.push(feedback));
  // 16 planned; a trial whose frames were missed (headless Chromium on a busy machine misses some)
  // is re-run with a fresh image, so there may be more.
  expect(answered).toBeGreaterThanOrEqual(16);
  await expect(page.getByTestId("completion-code")).toHaveText(/^[0-9A-F]{12}$/);

  // We always answered "real": "Correct" means the image was real, "Incorrect" generated.
  expect(stimuli).toHaveLength(answered);
  // A replaced trial gets no verdict (its re-run, next, has the same label): one per extra trial.
  expect(verdicts.filter((verdict) => verdict === null)).toHaveLength(answered - 16);
  expect(verdicts.every((verdict) => verdict === "Correct" || verdict === "Incorrect" || verdict === null)).toBe(true);
  const byLabel = { real: stimuli.filter((_, i) => verdicts[i] === "Correct"), generated: stimuli.filter((_, i) => verdicts[i] === "Incorrect") };
  expect(byLabel.real.length).toBeGreaterThanOrEqual(8);
  expect(byLabel.generated.length).toBeGreaterThanOrEqual(8);
  const describe = (stimulus: (typeof stimuli)[number]) => ({
    urlShape: stimulus.url.replace(/[A-Za-z0-9_-]{43}$/, "<token>"),
    headerNames: Object.keys(stimulus.headers).filter((name) => name !== "date").sort().join(","),
    contentType: stimulus.headers["content-type"],
    cacheControl: stimulus.headers["cache-control"],
    signature: stimulus.body.subarray(0, 8).toString("hex"),
    width: stimulus.body.readUInt32BE(16),
    height: stimulus.body.readUInt32BE(20),
    bytes: stimulus.body.length,
  });
  const shapes = new Set([...byLabel.real, ...byLabel.generated].map((stimulus) => JSON.stringify(describe(stimulus))));
  expect(shapes.size).toBe(1);
  await context.close();
});

test("a reload mid-block resumes at the same trial, and a few seconds offline lose nothing", async ({ browser }) => {
  const link = await demoLink(browser);
  const context = await browser.newContext();
  const page = await context.newPage();
  await join(page, link);
  await finishPractice(page);
  await answerUntilDone(page, undefined, 3);
  await expect(trialStage(page)).toHaveAttribute("data-phase", "prompt", { timeout: 20_000 });
  const before = await page.getByRole("progressbar").getAttribute("aria-valuenow");
  expect(before).toBe("3");

  await page.reload();
  await expect(trialStage(page)).toHaveAttribute("data-phase", "prompt", { timeout: 20_000 });
  expect(await page.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("3");

  // Offline while answering: the answer waits in the browser, then goes through.
  await context.setOffline(true);
  await page.keyboard.press("f");
  await expect(page.getByTestId("offline-banner")).toBeVisible({ timeout: 15_000 });
  await page.waitForTimeout(3_000);
  await context.setOffline(false);
  await expect(page.getByTestId("offline-banner")).toBeHidden({ timeout: 40_000 });
  const rest = await answerUntilDone(page);
  expect(3 + 1 + rest).toBeGreaterThanOrEqual(16);
  await expect(page.getByTestId("completion-code")).toBeVisible();
  await context.close();
});
