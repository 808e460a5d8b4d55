// Agents and campaigns: the agency's statuses and groups changed (taking a group off says first
// who leaves it and which campaigns stop dialing with it); someone put in a group and taken out;
// a campaign made with a group, showing who dials and why others do not, changed and deleted,
// each checked against the Worker; a Manager who may manage campaigns but not the agency's
// lists, at a phone's width; and the screen offline, with the last data it had.
import { expect, test } from "@playwright/test";
import { ADMIN, Console, apiAs, expectAccessible } from "./pages/console.mjs";

const CASEY = { email: "casey@brightline.example", password: ADMIN.password };
const campaignRow = (page, name) => page.getByTestId("campaign-row").filter({ has: page.getByTestId("campaign-name").getByText(name, { exact: true }) });
const member = (page, name) => page.getByTestId("agents-member").filter({ hasText: name });
const confirm = (page) => page.locator("dialog[open]").getByTestId("dialog-confirm");

test("Agents and campaigns: lists, a group's members, and a campaign that dials with its groups", async ({ page }) => {
  const api = await apiAs(ADMIN);
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows().first()).toBeVisible();
  await page.getByTestId("nav-agents").click();
  await expect(page).toHaveURL(/\/agents$/);
  await expect(page.getByTestId("agents-groups-entry")).toHaveCount(3);
  await expect(campaignRow(page, "Spring recall")).toBeVisible();
  await page.screenshot({ path: "tests/e2e/screenshots/agents.png", fullPage: true });
  await expectAccessible(page, "agents and campaigns");

  // A new group, read first: a name already listed (in any case) is refused here.
  await page.getByTestId("agents-groups-new").fill("sales");
  await page.getByTestId("agents-groups-add").click();
  await expect(page.getByTestId("agents-groups-error")).toContainText("already on the list");
  await page.getByTestId("agents-groups-new").fill("Closers");
  await page.getByTestId("agents-groups-add").click();
  await expect(page.getByTestId("toast")).toContainText("Closers is on the list.");
  expect((await api("/agency")).body.agent_groups).toEqual(["Sales", "Support", "Spanish line", "Closers"]);

  // Kai goes in the group; the list of its members and the Worker say so.
  await page.getByTestId("agents-members-group").selectOption("Closers");
  await expect(page.getByTestId("agents-members-count")).toContainText("Nobody");
  await page.getByTestId("agents-members-add").selectOption({ label: "Kai Lindqvist" });
  await page.getByTestId("agents-members-put").click();
  await expect(member(page, "Kai Lindqvist")).toBeVisible();
  expect((await api("/users?group=Closers")).body.users.map((u) => u.id)).toEqual(["u_kai"]);

  // A campaign at Harbor Dental that dials with Closers: Kai, an agent of Pier Street, dials.
  await page.getByTestId("campaign-new").click();
  const form = page.getByTestId("campaign-form");
  await form.getByTestId("campaign-form-save").click();
  await expect(form.getByTestId("campaign-form-name-error")).toContainText("name");
  await expect(form.getByTestId("campaign-form-place-error")).toContainText("Choose where");
  await form.getByTestId("campaign-form-name").fill("Cleaning reminders");
  await form.getByLabel("Harbor Dental").check();
  await expect(form.getByTestId("campaign-form-name-error")).toHaveCount(0);
  await expect(form.getByTestId("campaign-form-place-error")).toHaveCount(0);
  await form.getByTestId("campaign-form-group-Closers").check();
  await page.screenshot({ path: "tests/e2e/screenshots/campaign-form.png", fullPage: true });
  await form.getByTestId("campaign-form-save").click();
  await expect(page.getByTestId("toast").last()).toContainText("Cleaning reminders is saved.");
  const row = campaignRow(page, "Cleaning reminders");
  await expect(row.getByTestId("campaign-groups")).toContainText("Closers");
  await row.getByTestId("campaign-dialers-toggle").click();
  await expect(row.getByTestId("campaign-dialer").filter({ hasText: "Kai Lindqvist" })).toContainText("Dials");
  const made = (await api("/campaigns")).body.campaigns.find((c) => c.name === "Cleaning reminders");
  expect(made).toMatchObject({ node: "n_harbor", agent_groups: ["Closers"] });

  // The demo's Spring recall: who is in Sales but does not dial says why.
  const recall = campaignRow(page, "Spring recall");
  await recall.getByTestId("campaign-dialers-toggle").click();
  await expect(recall.getByTestId("campaign-dialer").filter({ hasText: "Lee Harmon" })).toContainText("Is suspended");
  await expect(recall.getByTestId("campaign-dialer").filter({ hasText: "Parker Ellis" })).toContainText("Has not accepted");
  await expect(recall.getByTestId("campaign-dialer").filter({ hasText: "Harper Quinn" })).toContainText("no role that makes calls");
  await page.screenshot({ path: "tests/e2e/screenshots/campaign-dialers.png", fullPage: true });

  // Taken out of the group, Kai no longer dials on it.
  await member(page, "Kai Lindqvist").getByTestId("agents-member-remove").click();
  await expect(page.getByTestId("agents-members-count")).toContainText("Nobody");
  expect((await api(`/campaigns/${made.id}/dialers`)).body.dialers).toEqual([]);

  // Taking the group off the list says first what it does.
  await page.getByTestId("agents-groups-entry").filter({ hasText: "Closers" }).getByTestId("agents-groups-remove").click();
  await expect(page.locator("dialog[open]").getByTestId("agents-remove-consequence")).toContainText("The campaign Cleaning reminders stops dialing with it.");
  await confirm(page).click();
  await expect(page.getByTestId("agents-groups-entry")).toHaveCount(3);
  expect((await api(`/campaigns/${made.id}/dialers`)).body.campaign.agent_groups).toEqual([]);

  // Renamed, then deleted after confirming.
  await row.getByTestId("campaign-edit").click();
  await form.getByTestId("campaign-form-name").fill("Cleaning recalls");
  await form.getByTestId("campaign-form-save").click();
  await expect(campaignRow(page, "Cleaning recalls")).toBeVisible();
  await campaignRow(page, "Cleaning recalls").getByTestId("campaign-delete").click();
  await confirm(page).click();
  await expect(campaignRow(page, "Cleaning recalls")).toHaveCount(0);
  expect((await api("/campaigns")).body.campaigns.some((c) => c.id === made.id)).toBe(false);
  await app.expectNoPageErrors();
});

test("A Manager changes campaigns where she manages them, not the agency's lists; a phone's width", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  const app = new Console(page);
  await app.open();
  await app.signIn(CASEY.email, CASEY.password);
  await expect(app.userRows().first()).toBeVisible();
  await page.goto("/agents");
  await expect(page.getByTestId("agents-groups-why")).toContainText("Only someone who may change the agency's settings");
  await expect(page.getByTestId("agents-groups-new")).toHaveCount(0);
  // Casey manages Harbor Dental: its campaign is hers to change; Acme's is not hers to see.
  await expect(campaignRow(page, "Spring recall").getByTestId("campaign-edit")).toBeVisible();
  await expect(campaignRow(page, "Drain cleaning follow-ups")).toHaveCount(0);
  await page.getByTestId("campaign-new").click();
  await expect(page.getByTestId("campaign-form").getByLabel("Acme Plumbing")).toHaveCount(0);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
  await page.screenshot({ path: "tests/e2e/screenshots/agents-375.png", fullPage: true });
  await expectAccessible(page, "agents and campaigns");
  await app.expectNoPageErrors();
});

test("Offline, the screen opens with the last data it had, and a change says it needs a connection", async ({ page, context }) => {
  const api = await apiAs(ADMIN);
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows().first()).toBeVisible();
  await page.goto("/agents");
  await expect(campaignRow(page, "Spring recall")).toBeVisible();
  await campaignRow(page, "Spring recall").getByTestId("campaign-dialers-toggle").click();
  await expect(campaignRow(page, "Spring recall").getByTestId("campaign-dialer").first()).toBeVisible();

  const groups = (await api("/agency")).body.agent_groups.length;
  await expect(page.getByTestId("agents-groups-entry")).toHaveCount(groups);
  await app.keptForOffline();
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId("agents-groups-entry")).toHaveCount(groups);
  await expect(campaignRow(page, "Spring recall")).toBeVisible();
  await campaignRow(page, "Spring recall").getByTestId("campaign-dialers-toggle").click();
  await expect(campaignRow(page, "Spring recall").getByTestId("campaign-dialer").filter({ hasText: "Jordan Reyes" })).toContainText("Dials");
  await page.getByTestId("agents-statuses-new").fill("At lunch");
  await page.getByTestId("agents-statuses-add").click();
  await expect(page.getByTestId("agents-statuses-error")).toContainText("needs a connection");
  await page.screenshot({ path: "tests/e2e/screenshots/agents-offline.png", fullPage: true });
  await context.setOffline(false);
  expect((await api("/agency")).body.agent_statuses).not.toContain("At lunch");
});
