// The audit log (R25): newest first, a page at a time; filtered by who, about whom, the action
// and the dates, the filters in the address; each entry's change shown as before → after; the
// filtered log as CSV; and nobody but an administrator of the whole agency has the screen.
import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { ADMIN, Console, apiAs, expectAccessible } from "./pages/console.mjs";

const CASEY = { email: "casey@brightline.example", password: ADMIN.password };

test("The audit log: filtered in the address, changes as before and after, older pages, CSV", async ({ page }) => {
  const api = await apiAs(ADMIN);
  // Thirty renames of Jordan and back: sixty entries about Jordan, newest last.
  for (let i = 0; i < 30; i++) {
    for (const name of [`Jordan Reyes ${i}`, "Jordan Reyes"]) {
      expect((await api("/users/u_jordan", { method: "PATCH", body: { name } })).status).toBe(200);
    }
  }
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows().first()).toBeVisible();
  await page.getByTestId("nav-audit").click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByTestId("audit-entry").first()).toBeVisible();

  // About Jordan, a change of name: in the address, and each entry says what changed.
  await page.getByTestId("audit-about").selectOption({ label: "Jordan Reyes" });
  await expect(page).toHaveURL(/about=u_jordan/);
  await page.getByTestId("audit-action").selectOption("profile_changed");
  await expect(page).toHaveURL(/action=profile_changed/);
  const newest = page.getByTestId("audit-entry").first();
  await expect(newest).toContainText("Avery Adams changed their name or address");
  await expect(newest.getByTestId("audit-diff")).toContainText("name: Jordan Reyes 29 → Jordan Reyes");
  await page.screenshot({ path: "tests/e2e/screenshots/audit.png" });
  await expectAccessible(page, "the audit log");

  // Fifty a page; the older ones follow, none twice.
  await expect(page.getByTestId("audit-entry")).toHaveCount(50);
  await page.getByTestId("audit-more").click();
  await expect.poll(() => page.getByTestId("audit-entry").count()).toBeGreaterThanOrEqual(60);
  const texts = await page.getByTestId("audit-diff").allTextContents();
  const renamedTo = texts.filter((t) => /→ Jordan Reyes \d+$/.test(t)).map((t) => t.match(/(\d+)$/)[1]);
  expect(new Set(renamedTo).size).toBe(renamedTo.length);
  expect(renamedTo.length).toBeGreaterThanOrEqual(30);

  // The address is the filter: a reload keeps it.
  await page.reload();
  await expect(page.getByTestId("audit-action")).toHaveValue("profile_changed");
  await expect(page.getByTestId("audit-about")).toHaveValue("u_jordan");

  // The filtered log as CSV: a row per entry the filters keep.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("audit-csv").click()]);
  const csv = (await readFile(await download.path(), "utf8")).trim().split(/\r?\n/);
  expect(csv.length - 1).toBeGreaterThanOrEqual(60);
  expect(csv.slice(1).every((row) => row.includes("profile_changed"))).toBe(true);

  // Dates: until yesterday, nothing of today's.
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await page.getByTestId("audit-until").fill(yesterday);
  await expect(page).toHaveURL(/until=\d+/);
  await expect(page.getByTestId("empty")).toContainText("No entry matches");
  await app.expectNoPageErrors();
});

test("Only an administrator of the whole agency reads the audit log; a phone's width", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  const app = new Console(page);
  await app.open();
  await app.signIn(CASEY.email, CASEY.password);
  await expect(app.userRows().first()).toBeVisible();
  await expect(page.getByTestId("nav-audit")).toHaveCount(0);
  await page.goto("/audit");
  await expect(page.getByTestId("not-allowed")).toContainText("read the audit log");
  await app.signOutLeavingNothing();
  await app.signIn(ADMIN.email, ADMIN.password);
  await page.getByTestId("nav-audit").click();
  await expect(page.getByTestId("audit-entry").first()).toBeVisible();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
  await page.screenshot({ path: "tests/e2e/screenshots/audit-375.png" });
  await expectAccessible(page, "the audit log");
});
