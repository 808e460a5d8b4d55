// Security: requiring two-factor sign-in (refused, in words, while the administrator has none
// set up, so that it cannot lock them out); support let in for a reason until a day, seen and
// ended early; the agency handed to another member after typing its name; and a Manager, who
// has no such screen.
import { expect, test } from "@playwright/test";
import { ADMIN, Console, apiAs, expectAccessible } from "./pages/console.mjs";

const DANA = { email: "dana@brightline.example", password: ADMIN.password };
const CASEY = { email: "casey@brightline.example", password: ADMIN.password };
const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

test("Security: two-factor, support access granted and ended, ownership handed over", async ({ page }) => {
  const api = await apiAs(ADMIN);
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows().first()).toBeVisible();
  await page.getByTestId("nav-security").click();
  await expect(page).toHaveURL(/\/security$/);
  await expect(page.getByTestId("security-two-factor-state")).toContainText("Not required");
  await page.screenshot({ path: "tests/e2e/screenshots/security.png", fullPage: true });
  await expectAccessible(page, "security");

  // Requiring two-factor while having none oneself is refused, in words, and nothing changes.
  await page.getByTestId("security-two-factor-toggle").click();
  await page.locator("dialog[open]").getByTestId("dialog-confirm").click();
  await expect(page.getByTestId("security-two-factor-error")).toContainText("Turn on two-factor sign-in for yourself first");
  expect((await api("/agency")).body.require_two_factor).toBe(false);

  // Sessions end after a chosen time without use; the Worker holds it, and it goes back.
  await expect(page.getByTestId("security-idle-state")).toContainText("3 days");
  await page.getByTestId("security-idle").selectOption({ label: "15 minutes" });
  await page.getByTestId("security-idle-save").click();
  await expect(page.getByTestId("toast").last()).toContainText("Sessions now end after 15 minutes without use.");
  await expect(page.getByTestId("security-idle-state")).toContainText("15 minutes");
  expect((await api("/agency")).body.session_idle_minutes).toBe(15);
  await page.getByTestId("security-idle").selectOption({ label: "3 days (the longest)" });
  await page.getByTestId("security-idle-save").click();
  await expect(page.getByTestId("security-idle-state")).toContainText("3 days");
  expect((await api("/agency")).body.session_idle_minutes).toBeNull();

  // Support access: checked here first, then granted, seen, and ended early.
  await page.getByTestId("support-email").fill("not an address");
  await page.getByTestId("support-until").fill(day(40));
  await page.getByTestId("support-grant").click();
  await expect(page.getByTestId("support-email-error")).toBeVisible();
  await expect(page.getByTestId("support-until-error")).toContainText("30 days ahead");
  await expect(page.getByTestId("support-reason-error")).toBeVisible();
  await page.getByTestId("support-email").fill("help@switchboard.example");
  await page.getByTestId("support-until").fill(day(7));
  await page.getByTestId("support-reason").fill("Ticket 4711: calls to Acme drop");
  await page.getByTestId("support-grant").click();
  await expect(page.getByTestId("toasts")).toContainText("help@switchboard.example can help until");
  const helper = page.getByTestId("support-row").filter({ hasText: "help@switchboard.example" });
  await expect(helper).toContainText("until");
  await helper.getByTestId("support-end").click();
  await page.locator("dialog[open]").getByTestId("dialog-confirm").click();
  await expect(page.getByTestId("toasts")).toContainText("Support access has ended");
  await expect(page.getByTestId("support-row")).toHaveCount(0);
  const helpers = (await api("/users?q=help@switchboard")).body.users;
  expect(helpers.every((u) => u.roles.length === 0)).toBe(true);

  // Ownership: handed to Dana after typing the agency's name; Dana hands it back.
  await page.getByTestId("owner-to").selectOption({ label: "Dana Whitfield" });
  await page.getByTestId("owner-transfer").click();
  const dialog = page.locator("dialog[open]");
  await expect(dialog.getByTestId("dialog-confirm")).toBeDisabled();
  await dialog.getByTestId("dialog-type").fill("Brightline Media");
  await dialog.getByTestId("dialog-confirm").click();
  await expect(page.getByTestId("toasts")).toContainText("The agency has a new owner");
  expect((await api("/agency")).body.owner).toBe("u_dana");
  const dana = await apiAs(DANA);
  expect((await dana("/agency/owner", { method: "POST", body: { to: "u_avery" } })).status).toBe(200);
  expect((await api("/agency")).body.owner).toBe("u_avery");
  // The demo as it was: Dana's Agency Administrator role, which came with the agency, goes.
  const given = (await api("/users/u_dana")).body.roles.find((r) => r.role === "Agency Administrator");
  expect((await api(`/grants/${given.grant}`, { method: "DELETE" })).status).toBe(200);
  await app.expectNoPageErrors();
});

test("A Manager has no security screen; at a phone's width it reads well", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  const app = new Console(page);
  await app.open();
  await app.signIn(CASEY.email, CASEY.password);
  await expect(app.userRows().first()).toBeVisible();
  await expect(page.getByTestId("nav-security")).toHaveCount(0);
  await page.goto("/security");
  await expect(page.getByTestId("not-allowed")).toContainText("change the agency's security");
  await app.signOutLeavingNothing();
  await app.signIn(ADMIN.email, ADMIN.password);
  await page.getByTestId("nav-security").click();
  await expect(page.getByTestId("security-support")).toBeVisible();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
  await page.screenshot({ path: "tests/e2e/screenshots/security-375.png", fullPage: true });
  await expectAccessible(page, "security");
});
