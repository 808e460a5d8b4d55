import { expect, test } from "@playwright/test";
import { ADMIN, Console } from "./pages/console.mjs";

test("the administrator signs in and sees the agency's users", async ({ page }) => {
  const app = new Console(page);
  await app.open();
  await expect(page.getByTestId("sign-in-form")).toBeVisible();
  await page.screenshot({ path: "tests/e2e/screenshots/sign-in.png" });

  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(page.getByTestId("agency-name")).toHaveText("Brightline Media");
  await expect(page.getByTestId("sync-state")).toHaveText("Up to date");
  await expect(app.userRows()).toHaveCount(15);
  await expect(app.userRows().first()).toContainText("Avery Adams");
  await expect(page.getByText("Agency Administrator in Brightline Media")).toBeVisible();
  await page.screenshot({ path: "tests/e2e/screenshots/users.png", fullPage: true });
  // The same list on a phone: one card per person, nothing cut off.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(app.userRows().first()).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "no sideways scrolling on a phone").toBeLessThanOrEqual(0);
  await page.screenshot({ path: "tests/e2e/screenshots/users-phone.png" });
  await app.expectNoPageErrors();
});

test("a reload shows the saved users before the network answers", async ({ page }) => {
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows()).toHaveCount(15);

  // Hold every API answer back: whatever shows now came from IndexedDB.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route("**/api/v1/**", async (route) => {
    await held;
    await route.continue();
  });
  await page.reload();
  await expect(app.userRows()).toHaveCount(15);
  await expect(page.getByTestId("sync-state")).toHaveText("Updating…");
  release();
  await expect(page.getByTestId("sync-state")).toHaveText("Up to date");
  await app.expectNoPageErrors();
});

test("a wrong password is refused with a message and no data", async ({ page }) => {
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, "Wrong-password1");
  await expect(page.getByTestId("sign-in-error")).toContainText("not right");
  await expect(app.userRows()).toHaveCount(0);
  await app.expectNoPageErrors();
});

test("signing out clears the saved data", async ({ page }) => {
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows()).toHaveCount(15);
  await app.signOutLeavingNothing();
  await page.reload();
  await expect(page.getByTestId("sign-in-form")).toBeVisible();
  await app.expectNoPageErrors();
});
