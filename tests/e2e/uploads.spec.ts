import { expect, test } from "@playwright/test";
import { image, svgWithScript, textRenamedPng, truncatedJpeg, zip } from "../fixtures/ingest/fixtures";
import { dropFiles, payload, signIn } from "./helpers";

// The demo researcher (seeded on the fresh e2e database) builds an image set by upload.
test.describe.configure({ mode: "serial" });

let setUrl = "";

test("the demo researcher creates a generated image set", async ({ page }) => {
  await signIn(page, "demo@percept.local", "percept-demo");
  await page.goto("/image-sets");
  await expect(page.getByRole("heading", { name: "Image sets", level: 1 })).toBeVisible();
  await expect(page.getByRole("list", { name: "Image sets" })).toContainText("Demo real (placeholder)");
  await page.getByLabel("Set name").fill("E2E model outputs");
  await page.getByLabel("Generated (one model's outputs)").check();
  await page.getByRole("button", { name: "Create image set" }).click();
  await expect(page.getByRole("heading", { name: "E2E model outputs" })).toBeVisible();
  await expect(page.getByText("No images yet")).toBeVisible();
  setUrl = new URL(page.url()).pathname;
  expect(setUrl).toMatch(/^\/image-sets\/[a-z0-9]+$/);
});

test("drops good and bad files, sees every rejection with its reason, commits, and sees the thumbnails", async ({ page }) => {
  await signIn(page, "demo@percept.local", "percept-demo");
  await page.goto(setUrl);
  await page.getByLabel("Size of the stored images").selectOption("128");

  const [one, two, three, four] = await Promise.all([
    image("jpeg", 200, 160, 31),
    image("png", 180, 180, 32),
    image("webp", 160, 240, 33),
    image("png", 150, 150, 34),
  ]);
  await dropFiles(page, [
    payload("one.jpg", "image/jpeg", one),
    payload("two.png", "image/png", two),
    payload("notes.png", "image/png", textRenamedPng()),
    payload("drawing.svg", "image/svg+xml", svgWithScript()),
    payload("cut.jpg", "image/jpeg", await truncatedJpeg(35)),
  ]);
  const rejected = page.getByRole("list", { name: "Rejected files" });
  await expect(rejected).toContainText("notes.png");
  await expect(rejected).toContainText("the content is a text file");
  await expect(rejected).toContainText("the content is an SVG");
  await expect(rejected).toContainText("the JPEG file is truncated");
  await expect(page.getByTestId("files-processed")).toHaveText("5 of 5 files");

  // A ZIP through the file picker: a nested image, a duplicate of an earlier file, and a dotfile.
  await page.getByTestId("file-input").setInputFiles({
    name: "batch.zip",
    mimeType: "application/zip",
    buffer: zip({ "run-1/samples/three.webp": three, "run-1/four.png": four, "run-1/again.jpg": one, "run-1/.DS_Store": new Uint8Array(8) }),
  });
  await expect(rejected).toContainText("batch.zip/run-1/again.jpg");
  await expect(rejected).toContainText("duplicate of one.jpg");
  await expect(page.getByTestId("files-processed")).toHaveText("6 of 6 files");
  await expect(page.getByTestId("import-summary")).toContainText("4 accepted · 4 rejected");
  await expect(page.locator("#bytes-progress")).toHaveJSProperty("value", 100);
  await expect(page.locator("#files-progress")).toHaveJSProperty("value", 6);

  // Nothing is in the set before the commit.
  const api = await page.request.get(`/api${setUrl}`);
  expect((await api.json()).set.imageCount).toBe(0);

  // Commit by keyboard.
  const commit = page.getByRole("button", { name: "Add 4 images to the set" });
  await commit.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toHaveText("Added 4 images to the set (4 files rejected).");
  await expect(page.getByTestId("set-summary")).toHaveText("4 images · 128×128 px");
  const thumbnails = page.getByRole("list", { name: "Images in this set" }).getByRole("img");
  await expect(thumbnails).toHaveCount(4);
  for (const thumbnail of await thumbnails.all()) {
    await expect.poll(() => thumbnail.evaluate((element: HTMLImageElement) => element.complete && element.naturalWidth)).toBe(128);
  }
  await expect(thumbnails.first()).toHaveAttribute("alt", /one\.jpg|two\.png|three\.webp|four\.png/);
});

test("the set API is closed to anonymous callers, and serves the owner its sizes and thumbnails", async ({ page, request }) => {
  const anonymous = await request.get(`/api${setUrl}`);
  expect(anonymous.status()).toBe(401);
  expect(await anonymous.json()).toEqual({ error: { code: "UNAUTHENTICATED", message: expect.any(String) } });

  await signIn(page, "demo@percept.local", "percept-demo");
  const body = await (await page.request.get(`/api${setUrl}`)).json();
  expect(body.sizes).toEqual([{ width: 128, height: 128, count: 4 }]);
  const thumbnail = await page.request.get(body.images[0].thumbnailUrl);
  expect(thumbnail.headers()["content-type"]).toBe("image/webp");
  const missing = await page.request.get(`/api/image-sets/not-a-set`);
  expect(missing.status()).toBe(404);
  expect((await missing.json()).error.code).toBe("NOT_FOUND");
});
