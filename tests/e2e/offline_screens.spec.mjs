// The agency's screens offline: each opens with the last data it had (roles, phone numbers,
// plan and seats, the audit log, security), and a change that needs the Worker says so and
// changes nothing.
import { expect, test } from "@playwright/test";
import { ADMIN, Console, apiAs } from "./pages/console.mjs";

test("Roles, phone numbers, plan, audit log and security open offline with their last data", async ({ page, context }) => {
  const api = await apiAs(ADMIN);
  // At least one entry in the audit log, whatever ran before.
  expect((await api("/agency", { method: "PATCH", body: { session_idle_minutes: 0 } })).status).toBe(200);
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows().first()).toBeVisible();
  // Each screen once online, so that this browser keeps what it read.
  const screens = [
    ["/roles", () => page.getByTestId("capability-row").first()],
    ["/numbers", () => page.getByTestId("number-row").first()],
    ["/plan", () => page.getByTestId("plan-summary")],
    ["/audit", () => page.getByTestId("audit-entry").first()],
    ["/security", () => page.getByTestId("security-two-factor-state")],
  ];
  const seen = {};
  for (const [path, shown] of screens) {
    await page.goto(path);
    await expect(shown()).toBeVisible();
    seen[path] = await shown().textContent();
  }

  await app.keptForOffline();
  await context.setOffline(true);
  for (const [path, shown] of screens) {
    await page.goto(path).catch(() => {});
    await expect(shown(), `${path} offline`).toBeVisible();
    expect(await shown().textContent(), `${path} shows what it last had`).toBe(seen[path]);
  }
  await page.screenshot({ path: "tests/e2e/screenshots/security-offline.png", fullPage: true });
  // A change the Worker decides says it needs a connection.
  await page.getByTestId("security-idle").selectOption({ label: "1 hour" });
  await page.getByTestId("security-idle-save").click();
  await expect(page.getByTestId("security-idle-error")).toContainText("needs a connection");
  await context.setOffline(false);
  expect((await api("/agency")).body.session_idle_minutes).toBeNull();
});
