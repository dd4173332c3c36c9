import { expect, type Browser, type Page } from "@playwright/test";

export const PASSWORD = "correct-horse-battery";

export async function signUp(page: Page, account: { name: string; email: string }, invitationLink?: string) {
  await page.goto(invitationLink ?? "/signup");
  await page.getByLabel("Name").fill(account.name);
  if (!invitationLink) await page.getByLabel("E-mail").fill(account.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  // Password hashing takes seconds on a loaded machine.
  await expect(page).toHaveURL(/\/dashboard$/, { timeout: 30_000 });
}

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/dashboard$/, { timeout: 30_000 });
}

export type FilePayload = { name: string; type: string; base64: string };
export const payload = (name: string, type: string, bytes: Uint8Array): FilePayload => ({ name, type, base64: Buffer.from(bytes).toString("base64") });

/** A real drop event on the upload page's drop zone, carrying files made in Node. */
export async function dropFiles(page: Page, files: FilePayload[]) {
  const dataTransfer = await page.evaluateHandle((list: FilePayload[]) => {
    const transfer = new DataTransfer();
    for (const file of list) {
      const bytes = Uint8Array.from(atob(file.base64), (char) => char.charCodeAt(0));
      transfer.items.add(new File([bytes], file.name, { type: file.type }));
    }
    return transfer;
  }, files);
  await page.getByTestId("drop-zone").dispatchEvent("dragover", { dataTransfer });
  await page.getByTestId("drop-zone").dispatchEvent("drop", { dataTransfer });
}

/** Opens a study link, consents, passes the device check and enters fullscreen. */
export async function join(page: Page, link: string) {
  await page.goto(link);
  await page.getByLabel(/agree to take part/).check();
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByTestId("refresh-rate")).toHaveText(/\d+ Hz/, { timeout: 15_000 });
  await page.getByRole("button", { name: "Enter fullscreen and continue" }).click();
}

export const trialStage = (page: Page) => page.locator('section[aria-label="Trial"]');

/** Waits for the answer prompt, answers with a key, and returns the feedback shown (if any). */
async function answer(page: Page, key: string): Promise<string | null> {
  await expect(trialStage(page)).toHaveAttribute("data-phase", "prompt", { timeout: 20_000 });
  await page.keyboard.press(key);
  // Once the answer is stored the stage shows its verdict ("feedback"), or moves straight on when
  // there is none (a replaced trial): no waiting for a verdict that will not come.
  await expect(trialStage(page)).not.toHaveAttribute("data-phase", /^(prompt|submitting)$/, { timeout: 20_000 });
  return trialStage(page).locator("text=/^(Correct|Incorrect)$/").textContent({ timeout: 500 }).catch(() => null);
}

/** The three practice trials, answered with F. */
export async function finishPractice(page: Page) {
  await expect(page.getByTestId("tutorial")).toBeVisible();
  for (let i = 0; i < 3; i++) await answer(page, "f");
  await expect(page.getByTestId("trial")).toBeVisible({ timeout: 20_000 });
}

/**
 * Answers until the completion screen with the key `keyFor(index)` gives (F by default); presses
 * Space at block breaks. Returns the trials answered.
 */
export async function answerUntilDone(
  page: Page,
  onAnswered?: (index: number, feedback: string | null) => void,
  stopAfter = Infinity,
  keyFor: (index: number) => string = () => "f",
) {
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
    const feedback = await answer(page, keyFor(answered));
    onAnswered?.(answered, feedback);
    answered++;
  }
  return answered;
}

const DEVICE = { refreshHz: 60, windowWidth: 1280, windowHeight: 800, devicePixelRatio: 1, fullscreen: true, touch: false, userAgent: "e2e" };

/**
 * Joins a study through its link (consent in the UI; the link may carry Prolific's query), then
 * answers every trial through the API as the trial page would, in a context of its own.
 */
export async function annotateThroughApi(browser: Browser, link: string): Promise<{ sessionId: string; timed: boolean; answered: number }> {
  const linkCode = new URL(link, "http://localhost").pathname.replace(/^\/s\//, "");
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  await page.getByLabel(/agree to take part/).check();
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page).toHaveURL(/\/session$/);
  const api = context.request;
  const started = await api.post("/api/sessions", { data: { linkCode } });
  expect(started.status()).toBe(200);
  const { session } = await started.json();
  expect((await api.post(`/api/sessions/${session.id}/device`, { data: DEVICE })).status()).toBe(200);
  let answered = 0;
  for (;;) {
    const next = await (await api.post(`/api/sessions/${session.id}/next`)).json();
    if (!next.trial) break;
    const frames: number | null = next.trial.exposure?.frames ?? null;
    const stored = await api.post(`/api/sessions/${session.id}/answers`, {
      data: {
        index: next.trial.index,
        // The browser never learns the label: a fixed alternating guess is right about half the time.
        answer: answered % 3 === 0 ? "generated" : "real",
        requestedFrames: frames,
        presentedFrames: frames,
        measuredMs: frames === null ? 1200 : (frames * 1000) / 60,
        refreshHz: 60,
        flags: [],
        clientTimes: { stimulusOnset: 1000, stimulusOffset: 1500, responseAt: 2000 },
      },
    });
    expect(stored.status()).toBe(200);
    answered++;
  }
  await context.close();
  return { sessionId: session.id, timed: session.timed, answered };
}
