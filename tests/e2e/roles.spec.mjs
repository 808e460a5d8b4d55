// Roles: the matrix of what each role allows, in words; who holds a role, where; a role of the
// agency's own copied from a built-in one, edited (saying first how many people it changes,
// R20) and deleted once nobody holds it; and someone who may shape roles but not give all of
// them, reading "not yours to give" beside what they lack (R11).
import { expect, test } from "@playwright/test";
import { ADMIN, Console, apiAs, expectAccessible } from "./pages/console.mjs";

const DANA = { email: "dana@brightline.example", password: ADMIN.password };
const head = (page, name) => page.getByTestId("role-head").filter({ hasText: new RegExp(`^${name}$`) });

test("Roles: the matrix, who holds a role, and a role copied, edited and deleted", async ({ page }) => {
  const api = await apiAs(ADMIN);
  const roleNamed = async (name) => (await api("/roles")).body.roles.find((r) => r.name === name);
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows().first()).toBeVisible();
  await page.getByTestId("nav-roles").click();
  await expect(page).toHaveURL(/\/roles$/);
  await expect(head(page, "Manager")).toBeVisible();
  // Capabilities in words, not ids.
  await expect(page.getByTestId("capability-row").first()).not.toContainText(".");
  await expect(page.getByRole("rowheader", { name: "add people" })).toBeVisible();
  await page.screenshot({ path: "tests/e2e/screenshots/roles.png" });
  await expectAccessible(page, "roles");

  // Who holds the Manager role, and where.
  await head(page, "Manager").click();
  await expect(page.getByTestId("role-panel-name")).toHaveText("Manager");
  await expect(page.getByTestId("role-holder").filter({ hasText: "Casey Moreno" })).toContainText("in Harbor Dental");

  // Copied into a role of the agency's own: named, narrowed, saved.
  await page.getByTestId("role-copy").click();
  await expect(page.getByTestId("role-name")).toHaveValue("Manager (copy)");
  await expect(page.getByTestId("role-cap-users.invite")).toBeChecked();
  await page.getByTestId("role-name").fill("Manager");
  await page.getByTestId("role-save").click();
  await expect(page.getByTestId("role-error")).toContainText("Another role has that name");
  await page.getByTestId("role-name").fill("Front desk");
  await page.getByTestId("role-cap-users.delete").uncheck();
  await page.getByTestId("role-save").click();
  await expect(page.getByTestId("toast")).toContainText("Front desk is made");
  const made = await roleNamed("Front desk");
  expect(made.capabilities).toContain("users.invite");
  expect(made.capabilities).not.toContain("users.delete");
  await expect(head(page, "Front desk")).toBeVisible();

  // Given to Kai, an edit says first whom it changes.
  const granted = await api("/users/u_kai/grants", {
    method: "POST",
    body: { role: made.role, node: "n_acme" },
  });
  expect(granted.status).toBe(201);
  await page.reload();
  await head(page, "Front desk").click();
  await expect(page.getByTestId("role-holder")).toContainText("Kai Lindqvist");
  await expect(page.getByTestId("role-delete-why")).toContainText("1 person holds it");
  await page.getByTestId("role-edit").click();
  await expect(page.getByTestId("role-changes")).toContainText("Saving changes what 1 person may do");
  await page.getByTestId("role-cap-numbers.assign").uncheck();
  await page.getByTestId("role-save").click();
  await expect(page.getByTestId("toast")).toContainText("Front desk is saved");
  expect((await roleNamed("Front desk")).capabilities).not.toContain("numbers.assign");

  // Once nobody holds it, it is deleted after confirming.
  const grant = (await api("/users/u_kai")).body.roles.find((r) => r.role === "Front desk").grant;
  expect((await api(`/grants/${grant}`, { method: "DELETE" })).status).toBe(200);
  await page.reload();
  await head(page, "Front desk").click();
  await page.getByTestId("role-delete").click();
  await page.locator("dialog[open]").getByTestId("dialog-confirm").click();
  await expect(page.getByTestId("toast")).toContainText("The role is deleted");
  expect(await roleNamed("Front desk")).toBeUndefined();
  await expect(head(page, "Front desk")).toHaveCount(0);
  await app.expectNoPageErrors();
});

test("What the editor may not do is not theirs to give (R11); a phone's width", async ({ page }) => {
  // Dana reports across the agency; a role of the agency's own lets her shape roles too, but
  // she cannot, say, manage billing, so no role she makes can.
  const api = await apiAs(ADMIN);
  const keeper = await api("/roles", {
    method: "POST",
    body: { name: "Role keeper", capabilities: ["login", "users.view", "users.roles"] },
  });
  expect(keeper.status).toBe(201);
  const role = (await api("/roles")).body.roles.find((r) => r.name === "Role keeper").role;
  const given = await api("/users/u_dana/grants", { method: "POST", body: { role, node: "n_brightline" } });
  expect(given.status).toBe(201);

  await page.setViewportSize({ width: 375, height: 800 });
  const app = new Console(page);
  await app.open();
  await app.signIn(DANA.email, DANA.password);
  // Signed in before the address changes: leaving the page would cancel the request.
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
  await page.goto("/roles");
  await page.getByTestId("role-new").click();
  const billing = page.getByTestId("role-cap-billing.manage");
  await expect(billing).toBeDisabled();
  await expect(page.locator("label.capability", { has: billing })).toContainText("not yours to give");
  await expect(page.getByTestId("role-cap-users.view")).toBeEnabled();
  await page.getByTestId("role-name").fill("Viewer of people");
  await page.getByTestId("role-cap-users.view").check();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
  await page.screenshot({ path: "tests/e2e/screenshots/roles-375.png", fullPage: true });
  await expectAccessible(page, "roles: a new role");
  await page.getByTestId("role-save").click();
  await expect(page.getByTestId("toast")).toContainText("Viewer of people is made");
  await app.expectNoPageErrors();

  // Leave the demo as it was.
  const grant = (await api("/users/u_dana")).body.roles.find((r) => r.role === "Role keeper").grant;
  expect((await api(`/grants/${grant}`, { method: "DELETE" })).status).toBe(200);
  for (const name of ["Role keeper", "Viewer of people"]) {
    const id = (await api("/roles")).body.roles.find((r) => r.name === name).role.id;
    expect((await api(`/roles/${id}`, { method: "DELETE" })).status).toBe(200);
  }
});
