import { expect, test } from "@playwright/test";
import { PASSWORD, signIn, signUp } from "./helpers";

// One story on one fresh database: the order matters (the first account becomes the admin).
test.describe.configure({ mode: "serial" });

const admin = { name: "Ada Admin", email: "ada@example.org" };
const researcher = { name: "Rita Researcher", email: "rita@example.org" };
let invitationLink = "";
let ritaStudyId = "";

test("the landing page says what Percept is", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("how real your generated images look");
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
});

test("a researcher page without a session redirects to sign-in, and its API answers 401", async ({ page, request }) => {
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fdashboard/);
  const response = await request.get("/api/studies");
  expect(response.status()).toBe(401);
  expect(await response.json()).toEqual({ error: { code: "UNAUTHENTICATED", message: expect.any(String) } });
});

test("the first account to sign up becomes the admin and lands on the admin dashboard", async ({ page }) => {
  await signUp(page, admin);
  await expect(page.getByRole("heading", { name: "Admin dashboard" })).toBeVisible();
  await expect(page.getByTestId("current-user")).toContainText("admin");
  // The demo study (seeded on the empty database) is visible to the admin.
  await expect(page.getByRole("list", { name: "Studies" })).toContainText("Demo study");
});

test("the admin invites a researcher", async ({ page }) => {
  await signIn(page, admin.email);
  await page.getByRole("link", { name: "Administration" }).click();
  await page.getByLabel("E-mail").fill(researcher.email);
  await page.getByRole("button", { name: "Create invitation link" }).click();
  invitationLink = (await page.getByTestId("invitation-link").textContent()) ?? "";
  expect(invitationLink).toContain("/signup?invitation=");
});

test("sign-up without an invitation is refused while sign-up is closed", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Name").fill("Mallory");
  await page.getByLabel("E-mail").fill("mallory@example.org");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "by invitation only" })).toBeVisible();
});

test("the invited researcher signs up, signs out, and signs in again", async ({ page }) => {
  await signUp(page, researcher, new URL(invitationLink).pathname + new URL(invitationLink).search);
  await expect(page.getByRole("heading", { name: "Your studies" })).toBeVisible();
  await expect(page.getByText("No studies yet")).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill(researcher.email);
  await page.getByLabel("Password").fill("wrong-password-here");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "E-mail or password is not right" })).toBeVisible();
  await signIn(page, researcher.email);
  await page.getByLabel("Study name").fill("Rita's private study");
  await page.getByRole("button", { name: "Create study" }).click();
  await expect(page.getByRole("heading", { name: "Rita's private study" })).toBeVisible();
  ritaStudyId = page.url().split("/studies/")[1] ?? "";
  expect(ritaStudyId).not.toBe("");
});

test("a researcher cannot read another researcher's study", async ({ page }) => {
  await signIn(page, "demo@percept.local", "percept-demo");
  const api = await page.request.get(`/api/studies/${ritaStudyId}`);
  expect(api.status()).toBe(404);
  expect((await api.json()).error.code).toBe("NOT_FOUND");
  await page.goto(`/studies/${ritaStudyId}`);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  // Other spec files may add studies of the demo researcher's own; never Rita's.
  const list = await (await page.request.get("/api/studies")).json();
  const names = list.studies.map((study: { name: string }) => study.name);
  expect(names).toContain("Demo study (placeholder images)");
  expect(names).not.toContain("Rita's private study");
});

test("an annotator account gets 403 from the researcher API and a no-access page", async ({ page, browser }) => {
  await signIn(page, admin.email);
  const created = await page.request.post("/api/admin/invitations", { data: { email: "anna@example.org", role: "ANNOTATOR" } });
  expect(created.status()).toBe(201);
  const link = new URL((await created.json()).invitation.link);

  const context = await browser.newContext();
  const annotator = await context.newPage();
  await annotator.goto(link.pathname + link.search);
  await annotator.getByLabel("Name").fill("Anna Annotator");
  await annotator.getByLabel("Password").fill(PASSWORD);
  await annotator.getByRole("button", { name: "Create account" }).click();
  await expect(annotator.getByRole("heading", { name: "This page is for researchers" })).toBeVisible();
  const response = await annotator.request.get("/api/studies");
  expect(response.status()).toBe(403);
  expect((await response.json()).error.code).toBe("FORBIDDEN");
  await context.close();
});

test("the API names what is wrong with a bad body", async ({ page }) => {
  await signIn(page, researcher.email);
  const malformed = await page.request.post("/api/studies", { headers: { "content-type": "application/json" }, data: Buffer.from("{not json") });
  expect(malformed.status()).toBe(400);
  expect((await malformed.json()).error.message).toMatch(/not valid JSON/);
  const unknown = await page.request.post("/api/studies", { data: { name: "x", ownerId: "someone-else" } });
  expect(unknown.status()).toBe(400);
  expect((await unknown.json()).error.message).toContain('unknown field(s) "ownerId"');
  const empty = await page.request.post("/api/studies", { data: { name: "  " } });
  expect((await empty.json()).error).toEqual({ code: "BAD_REQUEST", message: "name: is required" });
});

test("an annotator opens a study link without an account", async ({ page, browser }) => {
  await signIn(page, "demo@percept.local", "percept-demo");
  await page.getByRole("link", { name: /Demo study/ }).click();
  const link = (await page.getByTestId("study-link").textContent())!.trim();

  const annotator = await browser.newContext();
  const annotatorPage = await annotator.newPage();
  await annotatorPage.goto(link);
  await expect(annotatorPage.getByTestId("study-title")).toHaveText("Demo study (placeholder images)");
  await annotatorPage.getByLabel(/agree to take part/).check();
  await annotatorPage.getByRole("button", { name: "Start" }).click();
  await expect(annotatorPage.getByTestId("session-ready")).toBeVisible();
  const cookies = await annotator.cookies();
  const participant = cookies.find((cookie) => cookie.name === "percept_participant");
  expect(participant?.httpOnly).toBe(true);
  // The annotator's cookie opens no researcher page.
  await annotatorPage.goto("/dashboard");
  await expect(annotatorPage).toHaveURL(/\/signin/);
  await annotator.close();
});
