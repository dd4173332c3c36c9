import { expect, type Page } from "@playwright/test";

export const PASSWORD = "correct-horse-battery";

export async function signUp(page: Page, account: { name: string; email: string }, invitationLink?: string) {
  await page.goto(invitationLink ?? "/signup");
  await page.getByLabel("Name").fill(account.name);
  if (!invitationLink) await page.getByLabel("E-mail").fill(account.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/dashboard$/);
}
