// Accounts: the tree with its counts, filtered by name; a node's page, where an account is made
// under it, renamed, moved (from the page and by drag) and deleted, each checked against the
// Worker; who has access there and from where (R1); and a Manager, who may change none of it
// (R15), reading why.
import { expect, test } from "@playwright/test";
import { ADMIN, Console, apiAs, expectAccessible } from "./pages/console.mjs";

const CASEY = { email: "casey@brightline.example", password: ADMIN.password };
const row = (page, name) => page.getByTestId("tree-row").filter({ has: page.getByRole("link", { name, exact: true }) });

test("Accounts: the tree with its counts, filtered; who has access at a node and from where", async ({ page }) => {
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows().first()).toBeVisible();
  await page.getByTestId("nav-accounts").click();
  await expect(page).toHaveURL(/\/accounts$/);
  await expect(page.getByTestId("tree-row")).toHaveCount(9);
  // R1: a role reaches down, so a node counts the people under it too, each once.
  const harbor = await row(page, "Harbor Dental").getByTestId("node-people").textContent();
  const [, here, all] = harbor.match(/(\d+) here · (\d+) in all/).map(Number);
  expect(all).toBeGreaterThan(here);
  await page.screenshot({ path: "tests/e2e/screenshots/accounts.png" });
  await expectAccessible(page, "accounts");

  // The filter keeps a match in its place: Pier Street under Harbor East, Harbor Dental.
  await page.getByTestId("node-filter").fill("pier");
  await expect(page.getByTestId("tree-row")).toHaveCount(4);
  await expect(row(page, "Pier Street")).toBeVisible();
  await expect(row(page, "Harbor East")).toBeVisible();
  await expect(row(page, "Acme Plumbing")).toHaveCount(0);
  await page.getByTestId("node-filter").fill("no such place");
  await expect(page.getByTestId("empty")).toContainText("No account has that name");
  await page.getByTestId("node-filter").fill("");

  // A node's page: who has access there, granted here or from above.
  await row(page, "Harbor Dental").getByRole("link", { name: "Harbor Dental" }).click();
  await expect(page.getByTestId("node-name")).toHaveText("Harbor Dental");
  await expect(page.getByTestId("node-path")).toHaveText("Account in Brightline Media");
  const casey = page.getByTestId("holder-row").filter({ hasText: "Casey Moreno" });
  await expect(casey.getByTestId("holder-from")).toHaveText("granted here");
  const avery = page.getByTestId("holder-row").filter({ hasText: "Avery Adams" });
  await expect(avery.getByTestId("holder-from")).toHaveText("from Brightline Media, above");
  await expectAccessible(page, "an account's page");
  await page.getByTestId("node-invite").click();
  await expect(page).toHaveURL(/\/people\/new\?node=n_harbor$/);
  await app.expectNoPageErrors();
});

test("An account is made, renamed, moved from its page and by drag, and deleted", async ({ page }) => {
  const api = await apiAs(ADMIN);
  const nodeNamed = async (name) =>
    (await api("/nodes")).body.nodes.find((n) => n.name === name);
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows().first()).toBeVisible();
  await page.goto("/accounts/n_harbor");

  // Made under Harbor Dental: a name is checked before anything is sent.
  await page.getByTestId("node-add-kind").selectOption("location");
  await page.getByTestId("node-add-name").fill("   ");
  await page.getByTestId("node-add-save").click();
  await expect(page.getByTestId("node-add-error")).toBeVisible();
  await page.getByTestId("node-add-name").fill("Dock Road");
  await page.getByTestId("node-add-save").click();
  await expect(page.getByTestId("toast")).toContainText("Dock Road is made");
  const made = await nodeNamed("Dock Road");
  expect(made).toMatchObject({ parent: "n_harbor", kind: "location" });

  // Renamed on its own page.
  await page.goto(`/accounts/${made.id}`);
  await page.getByTestId("node-name-input").fill("Dock Road Clinic");
  await page.getByTestId("node-name-save").click();
  await expect(page.getByTestId("node-name")).toHaveText("Dock Road Clinic");
  expect((await nodeNamed("Dock Road Clinic")).id).toBe(made.id);

  // Moved from the page: it cannot go inside itself, and Acme Plumbing takes it.
  await page.getByTestId("node-move").getByText("Acme Plumbing", { exact: true }).click();
  await page.getByTestId("node-move-save").click();
  await expect(page.getByTestId("node-path")).toHaveText("Location in Brightline Media › Acme Plumbing");
  expect((await nodeNamed("Dock Road Clinic")).parent).toBe("n_acme");

  // Moved by drag, back under Harbor Dental, after confirming.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/accounts");
  await row(page, "Dock Road Clinic").dragTo(row(page, "Harbor Dental"));
  const dialog = page.locator("dialog[open]");
  await expect(dialog).toContainText("Move Dock Road Clinic into Harbor Dental?");
  await dialog.getByTestId("dialog-confirm").click();
  await expect(page.getByTestId("toast")).toContainText("Moved");
  await expect.poll(async () => (await nodeNamed("Dock Road Clinic")).parent).toBe("n_harbor");

  // Deleted, after reading what it does to the people there.
  await page.goto(`/accounts/${made.id}`);
  await expect(page.getByTestId("node-delete-consequence")).toContainText("Nobody has a role there");
  await page.getByTestId("node-delete-open").click();
  await page.locator("dialog[open]").getByTestId("dialog-confirm").click();
  await expect(page).toHaveURL(/\/accounts$/);
  expect(await nodeNamed("Dock Road Clinic")).toBeUndefined();

  // A node with accounts under it is not deleted: it says why, and there is no button.
  await page.goto("/accounts/n_harbor_east");
  await expect(page.getByTestId("node-delete-why")).toContainText("2 accounts or locations under it");
  await expect(page.getByTestId("node-delete-open")).toHaveCount(0);
  await app.expectNoPageErrors();
});

test("A Manager sees their part of the tree and reads why they may not change it; a phone's width", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  const app = new Console(page);
  await app.open();
  await app.signIn(CASEY.email, CASEY.password);
  await expect(app.userRows().first()).toBeVisible();
  await page.goto("/accounts");
  // Casey is a Manager of Harbor Dental: Harbor Dental and what is under it.
  await expect(row(page, "Harbor Dental")).toBeVisible();
  await expect(row(page, "Acme Plumbing")).toHaveCount(0);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
  await page.screenshot({ path: "tests/e2e/screenshots/accounts-375.png" });
  await expectAccessible(page, "accounts");
  await row(page, "Harbor Dental").getByRole("link", { name: "Harbor Dental" }).click();
  await expect(page.getByTestId("node-rename-why")).toContainText("You may not");
  await expect(page.getByTestId("node-add-why")).toContainText("You may not");
  await expect(page.getByTestId("node-delete-why")).toBeVisible();
  await expect(page.getByTestId("node-move-why")).toContainText("You may not move it");
  await page.screenshot({ path: "tests/e2e/screenshots/account-page-375.png", fullPage: true });
  await expectAccessible(page, "an account's page");
  await app.expectNoPageErrors();
});

test("Offline, the tree opens with the last data it had, and a change says it needs a connection", async ({ page, context }) => {
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows().first()).toBeVisible();
  await page.goto("/accounts");
  await expect(page.getByTestId("tree-row")).toHaveCount(9);
  await app.keptForOffline();

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId("tree-row")).toHaveCount(9);
  await expect(row(page, "Harbor Dental").getByTestId("node-people")).toContainText("in all");
  await row(page, "Summit Realty").getByRole("link", { name: "Summit Realty" }).click();
  await page.getByTestId("node-name-input").fill("Summit Realty Group");
  await page.getByTestId("node-name-save").click();
  await expect(page.getByTestId("node-name-error")).toContainText("needs a connection");
  await expect(page.getByTestId("node-name")).toHaveText("Summit Realty");
  await context.setOffline(false);
});
