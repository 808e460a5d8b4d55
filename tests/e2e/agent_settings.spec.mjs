// Agent settings on a person's page (PRODUCT.md §7): status, availability, time zone, a week of
// business hours, receiving and tracking numbers, country, server, groups, routing, switches.
// Mistakes show beside their field before anything is sent; the Worker's refusals in words.
// An Agent sets their own status and availability from My account, and nothing else.
import { expect, test } from "@playwright/test";
import { ADMIN, Console, apiAs, expectAccessible } from "./pages/console.mjs";

const KAI = { email: "kai@brightline.example", password: ADMIN.password };

// GET `path` as `who`, its body.
async function reader(who) {
  const call = await apiAs(who);
  return async (path) => (await call(path)).body;
}

const within = "[data-testid=agent-settings]";

test("an administrator sets an agent's hours, numbers, groups and routing; mistakes show beside their field", async ({ page }) => {
  const read = await reader(ADMIN);
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows().first()).toBeVisible();
  await page.goto("/people/u_kai");
  const card = page.getByTestId("agent-settings");
  await expect(card).toBeVisible();
  const before = (await read("/users/u_kai")).user.settings;

  // Checked on the device: a zone that does not exist, a number without its country code.
  await card.getByTestId("settings-time-zone").fill("Mars/Olympus_Mons");
  await card.getByTestId("settings-receiving").fill("415 555 0199");
  await card.getByTestId("settings-save").click();
  await expect(card.getByTestId("settings-time_zone-error")).toContainText("is not a time zone");
  await expect(card.getByTestId("settings-receiving_number-error")).toContainText("starts with +");
  expect((await read("/users/u_kai")).user.settings, "nothing was sent").toEqual(before);

  // A week whose Monday closes before it opens is named by its day.
  await card.getByTestId("settings-time-zone").fill("Europe/Berlin");
  await card.getByTestId("settings-receiving").fill("+1 (415) 555-0199");
  const monday = card.getByTestId("settings-business-monday");
  await monday.getByRole("button", { name: "Add hours on Monday" }).click();
  await monday.getByLabel("Monday: opens at").fill("18:00");
  await monday.getByLabel("Monday: closes at").fill("08:00");
  await card.getByTestId("settings-save").click();
  await expect(card.getByTestId("settings-business_hours-error")).toContainText("On Monday, 18:00 is not before 08:00");

  // Mended, and copied to the weekdays.
  await monday.getByLabel("Monday: opens at").fill("08:30");
  await monday.getByLabel("Monday: closes at").fill("16:30");
  await card.getByTestId("settings-business-copy").click();
  await expect(card.getByTestId("settings-business-friday").getByLabel("Friday: opens at")).toHaveValue("08:30");

  await card.getByTestId("settings-status").selectOption("On a break");
  await card.getByTestId("settings-scheduled").check();
  await card.getByTestId("settings-new-number").fill("+1 415 555 0142");
  await card.getByTestId("settings-add-number").click();
  await expect(card.getByTestId("settings-tracking")).toContainText("+14155550142");
  await card.getByTestId("settings-country").fill("de");
  await card.getByTestId("settings-server").selectOption("europe");
  await card.getByTestId("settings-group-Sales").check();
  await card.getByTestId("settings-round-robin").check();
  await card.getByTestId("settings-contacts").check();
  await page.screenshot({ path: "tests/e2e/screenshots/agent-settings.png", fullPage: true });
  await card.getByTestId("settings-save").click();
  await expect(page.getByTestId("toast")).toContainText("The agent settings are saved.");

  // The Worker holds what was chosen.
  const { user } = await read("/users/u_kai");
  expect(user.settings.time_zone).toBe("Europe/Berlin");
  expect(user.settings.receiving_number).toBe("+14155550199");
  expect(user.settings.tracking_numbers).toEqual(["+14155550142"]);
  expect(user.settings.default_country).toBe("DE");
  expect(user.settings.server_location).toBe("europe");
  expect(user.settings.agent_status).toBe("On a break");
  expect(user.settings.agent_groups).toEqual(["Sales"]);
  expect(user.settings.round_robin).toBe(true);
  expect(user.settings.availability.kind).toBe("schedule");
  expect(user.settings.business_hours.days[0]).toEqual([{ start: 510, end: 990 }]);
  expect(user.settings.business_hours.days[4]).toEqual([{ start: 510, end: 990 }]);
  expect(user.settings.business_hours.days[5]).toEqual([]);
  expect(user.contact_edit).toBe(true);

  // A reload shows it again, from the Worker.
  await page.reload();
  await expect(card.getByTestId("settings-time-zone")).toHaveValue("Europe/Berlin");
  await expect(card.getByTestId("settings-status")).toHaveValue("On a break");
  await expect(card.getByTestId("settings-group-Sales")).toBeChecked();

  // A number has one destination: giving Kai's number to Casey is refused in words.
  await page.goto("/people/u_casey");
  await expect(card).toBeVisible();
  await card.getByTestId("settings-new-number").fill("+14155550142");
  await card.getByTestId("settings-add-number").click();
  await card.getByTestId("settings-save").click();
  await expect(card.getByTestId("settings-error")).toContainText("already rings through to Kai Lindqvist");
  await expect(card.getByTestId("settings-error")).not.toContainText("R1");
  expect((await read("/users/u_casey")).user.settings.tracking_numbers).toEqual([]);

  await expectAccessible(page, "agent settings", within);
  await page.setViewportSize({ width: 375, height: 800 });
  await expectAccessible(page, "agent settings", within);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "nothing scrolls sideways at 375 px").toBeLessThanOrEqual(0);
  // Kai's page, with a call schedule and business hours to show, fits a phone too.
  await page.goto("/people/u_kai");
  await expect(card.getByTestId("settings-business-monday").getByLabel("Monday: opens at")).toBeVisible();
  const overflowKai = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflowKai, "nothing scrolls sideways at 375 px with hours shown").toBeLessThanOrEqual(0);
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({ path: "tests/e2e/screenshots/agent-settings-phone.png" });
  await app.expectNoPageErrors();
});

test("an Agent sets their own status and availability from My account, and only those", async ({ page }) => {
  const app = new Console(page);
  await app.open();
  await app.signIn(KAI.email, KAI.password);
  await expect(page).toHaveURL(/\/account$/);
  const card = page.getByTestId("agent-settings");
  await expect(card).toBeVisible();
  await expect(card).toContainText("You can set your own status and availability.");
  await expect(card.getByTestId("settings-time-zone")).toBeDisabled();
  await expect(card.getByTestId("settings-receiving")).toBeDisabled();
  await expect(card.getByTestId("settings-contacts")).toBeDisabled();
  await expect(card.getByTestId("settings-status")).toBeEnabled();

  await card.getByTestId("settings-status").selectOption("Available");
  await card.getByTestId("settings-always").check();
  await card.getByTestId("settings-save").click();
  await expect(page.getByTestId("toast")).toContainText("The agent settings are saved.");
  const { user } = await (await reader(KAI))("/users/u_kai");
  expect(user.settings.agent_status).toBe("Available");
  expect(user.settings.availability.kind).toBe("always");
  await expectAccessible(page, "my agent settings", within);
  await app.expectNoPageErrors();
});
