import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

/**
 * The API from a script: the demo researcher makes a personal token on /settings, a client with
 * no cookies uses it as `Authorization: Bearer` to create and read a study, and gets 401 once the
 * token is revoked. One story on the shared e2e database: the order matters.
 */
test.describe.configure({ mode: "serial" });

const TOKEN_NAME = "e2e script";
let secret = "";
let studyId = "";

test("the settings page has an empty state, and creates a token shown once with a copy button", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, "demo@percept.local", "percept-demo");
  await page.getByRole("link", { name: "API tokens" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();
  await expect(page.getByText("No API tokens yet")).toBeVisible();

  await page.getByLabel("Token name").fill(TOKEN_NAME);
  await page.getByRole("button", { name: "Create token" }).click();
  secret = ((await page.getByTestId("new-token-secret").textContent()) ?? "").trim();
  expect(secret).toMatch(/^pct_[A-Za-z0-9_-]{43}$/);
  await page.getByRole("button", { name: "Copy" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

  const row = page.getByRole("table", { name: "API tokens" }).getByRole("row").filter({ hasText: TOKEN_NAME });
  await expect(row).toContainText("never");
  await expect(row).toContainText("active");

  // Shown once: after a reload the secret is gone, the token is listed.
  await page.reload();
  await expect(page.getByTestId("new-token-secret")).toHaveCount(0);
  await expect(page.getByRole("table", { name: "API tokens" })).toContainText(TOKEN_NAME);
  expect(await page.content()).not.toContain(secret);
});

test("a client without cookies creates and reads a study with the token, and cannot manage tokens with it", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  const unauthenticated = await anonymous.get("/api/studies");
  expect(unauthenticated.status()).toBe(401);
  await anonymous.dispose();

  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${secret}` } });
  const created = await api.post("/api/studies", { data: { name: "Made with an API token", protocols: ["HYPE_INFINITY"] } });
  expect(created.status()).toBe(201);
  const { study } = await created.json();
  studyId = study.id;
  expect(study).toMatchObject({ name: "Made with an API token", status: "DRAFT", protocols: ["HYPE_INFINITY"] });

  const read = await api.get(`/api/studies/${studyId}`);
  expect(read.status()).toBe(200);
  expect((await read.json()).study).toMatchObject({ id: studyId, name: "Made with an API token" });
  const listed = await (await api.get("/api/studies")).json();
  expect(listed.studies.map((s: { id: string }) => s.id)).toContain(studyId);

  const mint = await api.post("/api/tokens", { data: { name: "another" } });
  expect(mint.status()).toBe(403);
  expect((await mint.json()).error.code).toBe("FORBIDDEN");
  await api.dispose();
});

test("the settings page shows the last use; revoking the token makes it a 401", async ({ page, playwright, baseURL }) => {
  await signIn(page, "demo@percept.local", "percept-demo");
  await page.goto("/settings");
  const row = page.getByRole("table", { name: "API tokens" }).getByRole("row").filter({ hasText: TOKEN_NAME });
  await expect(row).not.toContainText("never");
  await row.getByRole("button", { name: `Revoke ${TOKEN_NAME}` }).click();
  await expect(row).toContainText("revoked");
  await expect(row.getByRole("button")).toHaveCount(0);

  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${secret}` } });
  const refused = await api.get(`/api/studies/${studyId}`);
  expect(refused.status()).toBe(401);
  expect(refused.headers()["www-authenticate"]).toContain("Bearer");
  expect(await refused.json()).toEqual({ error: { code: "UNAUTHENTICATED", message: expect.any(String) } });
  const unknown = await api.post("/api/studies", { data: { name: "nope" }, headers: { Authorization: `Bearer pct_${"x".repeat(43)}` } });
  expect(unknown.status()).toBe(401);
  await api.dispose();
});

test("GET /api/openapi.json is an OpenAPI 3.1 document with the operations", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  const response = await anonymous.get("/api/openapi.json");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("application/json");
  const document = JSON.parse(await response.text());
  expect(document.openapi).toBe("3.1.0");
  expect(Object.keys(document.paths["/api/studies"]).sort()).toEqual(["get", "post"]);
  expect(document.paths["/api/studies/{id}"].patch.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/UpdateStudy" });
  expect(Object.keys(document.paths["/api/tokens"]).sort()).toEqual(["get", "post"]);
  expect(document.paths["/api/tokens/{id}"].delete.security).toEqual([{ sessionCookie: [] }]);
  expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  expect(document.components.schemas.Error.required).toEqual(["error"]);
  const operationIds = Object.values(document.paths).flatMap((item) => Object.values(item as Record<string, { operationId: string }>).map((op) => op.operationId));
  expect(operationIds).toEqual(expect.arrayContaining(["createStudy", "getStudy", "changeStudyStatus", "getStudyScores", "createApiToken", "revokeApiToken"]));
  await anonymous.dispose();
});
