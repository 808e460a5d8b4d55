// The console's shell: a URL per screen, back and forward, a deep link that opens its screen
// after signing in, and a home for everyone (an Agent lands on their own account, not on an
// empty list with an error).
import { expect, test } from "@playwright/test";
import { ADMIN, Console } from "./pages/console.mjs";

const base = process.env.SWITCHBOARD_URL;
const KAI = { email: "kai@brightline.example", password: ADMIN.password };

test("an administrator lands on People, moves between screens, and back and forward work", async ({ page }) => {
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(`${base}/people`);
  await expect(app.userRows().first()).toContainText("Avery Adams");
  await page.getByTestId("nav-account").click();
  await expect(page).toHaveURL(`${base}/account`);
  await expect(page.getByTestId("profile-email")).toHaveText(ADMIN.email);
  await expect(page.getByTestId("session-row").first()).toBeVisible();
  await page.screenshot({ path: "tests/e2e/screenshots/my-account.png", fullPage: true });
  await page.goBack();
  await expect(page).toHaveURL(`${base}/people`);
  await expect(app.userRows().first()).toBeVisible();
  await page.goForward();
  await expect(page).toHaveURL(`${base}/account`);
  await page.setViewportSize({ width: 375, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "no sideways scrolling on a phone").toBeLessThanOrEqual(0);
  await page.screenshot({ path: "tests/e2e/screenshots/my-account-phone.png", fullPage: true });
  await app.expectNoPageErrors();
});

test("a deep link opens its screen once the person has signed in", async ({ page }) => {
  const app = new Console(page);
  await page.goto("/account");
  await expect(page.getByTestId("sign-in-form")).toBeVisible();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(`${base}/account`);
  await expect(page.getByTestId("profile")).toContainText("Avery Adams");
  await page.goto("/no-such-screen");
  await expect(page.getByTestId("not-found")).toBeVisible();
  await app.expectNoPageErrors();
});

test("an Agent lands on their own account, with no list and no error", async ({ page }) => {
  const app = new Console(page);
  await app.open();
  await app.signIn(KAI.email, KAI.password);
  await expect(page).toHaveURL(`${base}/account`);
  await expect(page.getByTestId("profile-name")).toHaveText("Kai Lindqvist");
  await expect(page.getByTestId("nav-people")).toHaveCount(0);
  await expect(page.getByTestId("sync-state")).toHaveText("Up to date");
  await page.screenshot({ path: "tests/e2e/screenshots/agent-home.png", fullPage: true });
  await app.expectNoPageErrors();
});

test("a person ends another of their sessions from their account", async ({ page, request }) => {
  // Another device: a session opened by a script.
  const other = await request.post("/api/v1/session", {
    data: { email: "harper@brightline.example", password: ADMIN.password },
    headers: { "user-agent": "Mozilla/5.0 (Linux; Android 14) Chrome/140.0 Mobile Safari/537.36" },
  });
  expect(other.status()).toBe(200);
  const app = new Console(page);
  await app.open();
  await app.signIn("harper@brightline.example", ADMIN.password);
  await page.getByTestId("nav-account").click();
  const phone = page.getByTestId("session-row").filter({ hasText: "Chrome on Android" });
  await expect(phone.first()).toBeVisible();
  const before = await page.getByTestId("session-row").count();
  await phone.first().getByTestId("session-end").click();
  await expect(page.getByTestId("session-row")).toHaveCount(before - 1);
  await app.expectNoPageErrors();
});
