// Plan and seats: the plan, its seats and cost; who takes a seat and why, as many as the
// Worker counts (R31); a move to the Seats plan and a number of seats chosen with the slider,
// each previewed before it is applied (R30); a move the Worker refuses, said in words; and
// someone without billing, who has no such screen.
import { expect, test } from "@playwright/test";
import { ADMIN, Console, apiAs, expectAccessible } from "./pages/console.mjs";

const CASEY = { email: "casey@brightline.example", password: ADMIN.password };

test("Plan and seats: seats counted as the Worker counts them; a plan previewed, then applied", async ({ page }) => {
  const api = await apiAs(ADMIN);
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(page.getByTestId("sync-state")).toHaveText("Up to date");
  await page.getByTestId("nav-plan").click();
  await expect(page).toHaveURL(/\/plan$/);
  const agency = (await api("/agency")).body;
  expect(agency.plan.plan).toBe("team");
  await expect(page.getByTestId("plan-summary")).toContainText("The Team plan");
  await expect(page.getByTestId("plan-seats")).toHaveText(`${agency.seats_used} of ${agency.seat_limit} seats`);
  // R31: the device works out who takes a seat with domain; the Worker counted the same.
  await expect(page.getByTestId("seat-holder")).toHaveCount(agency.seats_used);
  await expect(page.getByTestId("seat-holders")).not.toContainText("Eli Novak");
  await expect(page.getByTestId("plan-team-note")).toContainText("ask Switchboard support");
  await page.screenshot({ path: "tests/e2e/screenshots/plan.png", fullPage: true });
  await expectAccessible(page, "plan and seats");

  // A move the Worker refuses is said in words, with nothing to apply (R30: Solo holds two).
  await page.getByTestId("plan-to-solo").click();
  await expect(page.getByTestId("plan-refused")).toBeVisible();
  await expect(page.getByTestId("plan-refused")).not.toContainText(/\(R\d+\)/);
  await expect(page.getByTestId("plan-apply")).toHaveCount(0);

  // To the Seats plan: previewed, then applied.
  await page.getByTestId("plan-to-seats").click();
  await expect(page.getByTestId("plan-preview")).toContainText("a month instead of");
  await page.getByTestId("plan-apply").click();
  await expect(page.getByTestId("toast")).toContainText("on the Seats plan now");
  await expect(page.getByTestId("plan-summary")).toContainText("The Seats plan");
  expect((await api("/agency")).body.plan.plan).toBe("seats");

  // The slider: 20 seats, the cost previewed, then applied.
  await page.getByTestId("seat-slider").fill("20");
  await expect(page.getByTestId("seat-count")).toHaveText("20 seats");
  await expect(page.getByTestId("plan-preview")).toContainText("Seats: ");
  await expect(page.getByTestId("plan-preview")).toContainText("of 20");
  await page.getByTestId("plan-apply").click();
  await expect(page.getByTestId("plan-seats")).toContainText("of 20 seats");
  expect((await api("/agency")).body.plan).toEqual({ plan: "seats", seats: 20 });
  await app.expectNoPageErrors();

  // Back to the Team plan, for the demo.
  const back = await api("/agency/plan", { method: "PUT", body: { plan: { plan: "team", seat_override: null } } });
  expect(back.status).toBe(200);
});

test("Without billing there is no plan screen; at a phone's width it reads well", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  const app = new Console(page);
  await app.open();
  await app.signIn(CASEY.email, CASEY.password);
  await expect(app.userRows().first()).toBeVisible();
  await expect(page.getByTestId("nav-plan")).toHaveCount(0);
  await page.goto("/plan");
  await expect(page.getByTestId("not-allowed")).toContainText("Your roles do not let you see the plan and its seats");
  await app.signOutLeavingNothing();
  await app.signIn(ADMIN.email, ADMIN.password);
  await page.getByTestId("nav-plan").click();
  await expect(page.getByTestId("plan-summary")).toBeVisible();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
  await page.screenshot({ path: "tests/e2e/screenshots/plan-375.png", fullPage: true });
  await expectAccessible(page, "plan and seats");
});
