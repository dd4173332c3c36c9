import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type BrowserContext, type Page, type Response } from "@playwright/test";

/**
 * Security headers in the production build: every page carries a nonce-based CSP, and the pages
 * that do the most under it (the annotator's trials with their worker and masks, the metrics page
 * with ONNX Runtime's WebAssembly and workers) run without a single CSP violation. Cookies carry
 * the attributes docs/security.md promises (this server is plain http: PERCEPT_INSECURE_COOKIES).
 */
test.describe.configure({ timeout: 180_000 });

const MODEL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/onnx/tiny-inception.onnx");
const trialStage = (page: Page) => page.locator('section[aria-label="Trial"]');

/** Every CSP violation of the page's documents, as the browser reports it. */
async function cspViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|CSP violation/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));
  });
  return violations;
}

function expectPageHeaders(response: Response | null, scriptExtra = ""): string {
  const headers = response!.headers();
  const policy = headers["content-security-policy"]!;
  expect(policy).toMatch(new RegExp(`script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'wasm-unsafe-eval'${scriptExtra}(;|$)`));
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).toContain("object-src 'none'");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("same-origin");
  expect(headers["permissions-policy"]).toContain("fullscreen=(self)");
  expect(headers["permissions-policy"]).toContain("camera=()");
  return /'nonce-([^']+)'/.exec(policy)![1]!;
}

/** Every script element of the page carries the nonce of its response's CSP. */
async function expectScriptsNonced(page: Page, nonce: string) {
  const nonces = await page.locator("script").evaluateAll((scripts) => scripts.map((script) => (script as HTMLScriptElement).nonce));
  expect(nonces.length).toBeGreaterThan(0);
  expect(new Set(nonces)).toEqual(new Set([nonce]));
}

async function signInAsDemo(page: Page, context: BrowserContext) {
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill("demo@percept.local");
  await page.getByLabel("Password").fill("percept-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/, { timeout: 30_000 });
  const session = (await context.cookies()).find((cookie) => cookie.name === "next-auth.session-token");
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/", secure: false });
}

test("the annotator's pages carry the CSP and security headers, the trials run under them, and no page or payload names a label", async ({ browser }) => {
  const researcher = await browser.newContext();
  const researcherPage = await researcher.newPage();
  await signInAsDemo(researcherPage, researcher);
  await researcherPage.getByRole("link", { name: /Demo study/ }).click();
  const link = (await researcherPage.getByTestId("study-link").textContent())!.trim();
  await researcher.close();

  const context = await browser.newContext();
  const page = await context.newPage();
  const violations = await cspViolations(page);
  const stimulusHeaders: Record<string, string>[] = [];
  page.on("response", (response) => {
    if (new URL(response.url()).pathname.startsWith("/api/stimuli/")) stimulusHeaders.push(response.headers());
  });

  await expectScriptsNonced(page, expectPageHeaders(await page.goto(link)));
  await page.getByLabel(/agree to take part/).check();
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByTestId("refresh-rate")).toHaveText(/\d+ Hz/, { timeout: 15_000 });
  const participant = (await context.cookies()).find((cookie) => cookie.name === "percept_participant");
  expect(participant).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/", secure: false });
  expect(participant!.expires - Date.now() / 1000).toBeGreaterThan(29 * 24 * 3600);

  await page.getByRole("button", { name: "Enter fullscreen and continue" }).click();
  // Three practice trials, then three timed trials with their masks: stimuli, masks and the
  // presenter worker all load under the policy.
  for (let answered = 0; answered < 6; answered++) {
    await expect(trialStage(page)).toHaveAttribute("data-phase", "prompt", { timeout: 30_000 });
    await page.keyboard.press("f");
  }
  await expect(page.getByTestId("trial")).toBeVisible();
  // At least one stimulus per timed trial answered (masks may still be loading).
  expect(stimulusHeaders.length).toBeGreaterThanOrEqual(3);
  for (const headers of stimulusHeaders) {
    expect(headers["cache-control"]).toBe("no-store, private");
    expect(headers["content-type"]).toBe("image/png");
    expect(headers["cross-origin-resource-policy"]).toBe("same-origin");
    expect(headers).not.toHaveProperty("etag");
    expect(headers).not.toHaveProperty("last-modified");
  }

  // The session page's HTML and its RSC payload (what a client navigation fetches) name no label,
  // image or set: the page knows the session's progress only.
  const sessionPath = `${new URL(link, page.url()).pathname}/session`;
  for (const headers of [{}, { RSC: "1" }] as Record<string, string>[]) {
    const response = await context.request.get(sessionPath, { headers });
    expect(response.status()).toBe(200);
    const body = await response.text();
    expect(body.length).toBeGreaterThan(200);
    expect(body).not.toMatch(/\b(REAL|GENERATED)\b|"label"|imageId|imageSet|storageKey|contentHash|generatedSetId|\/api\/stimuli\//);
  }
  expect(violations).toEqual([]);
  await context.close();
});

test("the metrics page is cross-origin isolated and runs ONNX Runtime's WebAssembly under the CSP", async ({ browser }) => {
  // Features of three sets and two d = 2048 Fréchet distances in the browser: most of a minute on 2 cores.
  test.slow();
  const context = await browser.newContext();
  const page = await context.newPage();
  const violations = await cspViolations(page);
  await signInAsDemo(page, context);
  await page.getByRole("link", { name: /Demo study/ }).click();
  await expect(page).toHaveURL(/\/studies\/[^/]+$/);
  // Only the metrics page's own violations: the study page reports a script-src 'eval' one of its
  // own (docs/security.md, open findings).
  violations.length = 0;
  const response = await page.goto(`${page.url()}/metrics`);
  const nonce = expectPageHeaders(response, " 'unsafe-eval'");
  expect(response!.headers()["cross-origin-opener-policy"]).toBe("same-origin");
  expect(response!.headers()["cross-origin-embedder-policy"]).toBe("require-corp");
  await expectScriptsNonced(page, nonce);
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);

  await page.getByLabel(/ONNX feature extractor/).setInputFiles(MODEL);
  await expect(page.getByTestId("model-ready")).toContainText("tiny-inception.onnx", { timeout: 30_000 });
  await page.getByLabel("Batch size").fill("4");
  await page.getByRole("button", { name: "Compute metrics" }).click();
  await expect(page.getByText(/^Done in /)).toBeVisible({ timeout: 90_000 });
  expect(violations).toEqual([]);
  await context.close();
});
