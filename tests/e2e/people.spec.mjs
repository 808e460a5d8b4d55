// The screens about people: the list (search over role, account and state; filters and sort in
// the URL; several chosen at once; export), adding a person in steps with the seat preview, and
// a person's page (roles changed, added and removed; invitation; state; name; delete).
import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { ADMIN, Console, apiAs } from "./pages/console.mjs";

const base = process.env.SWITCHBOARD_URL;
const CASEY = { email: "casey@brightline.example", password: ADMIN.password };
const KAI = { email: "kai@brightline.example", password: ADMIN.password };

const names = (page) => page.getByTestId("user-row").locator(".who .name").allTextContents();

test("People: search finds roles, accounts and states; filters and sort live in the URL", async ({ page }) => {
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows().first()).toBeVisible();

  // A role's name finds its holders; so does an account's; so does a state.
  await page.getByTestId("user-search").fill("manager");
  await expect(page).toHaveURL(/[?&]q=manager/);
  await expect(app.userRows().filter({ hasText: "Casey Moreno" })).toBeVisible();
  for (const row of await app.userRows().allTextContents()) {
    expect(row.toLowerCase()).toContain("manager");
  }
  await page.getByTestId("user-search").fill("harbor east");
  await expect(app.userRows()).toHaveCount(1);
  await expect(app.userRows().first()).toContainText("Gray Sato");
  await page.getByTestId("user-search").fill("notifications");
  await expect(app.userRows().filter({ hasText: "Eli Novak" })).toBeVisible();
  await page.getByTestId("user-search").fill("");

  // The account filter takes in everything under the account (R1): Pier Street is in Harbor.
  await page.getByTestId("filter-node").selectOption("n_harbor");
  await expect(page).toHaveURL(/[?&]node=n_harbor/);
  await expect(app.userRows().filter({ hasText: "Kai Lindqvist" })).toBeVisible();
  await expect(app.userRows().filter({ hasText: "Avery Adams" })).toHaveCount(0);

  await page.getByTestId("filter-role").selectOption("Agent");
  await expect(page).toHaveURL(/role=Agent/);
  for (const row of await app.userRows().allTextContents()) expect(row).toContain("Agent");
  await page.screenshot({ path: "tests/e2e/screenshots/people-filtered.png" });

  // The URL is the whole filter: a reload keeps it, back undoes the last step.
  await page.reload();
  await expect(page.getByTestId("filter-role")).toHaveValue("Agent");
  await expect(app.userRows().filter({ hasText: "Kai Lindqvist" })).toBeVisible();
  await page.goto("/people?sort=-name");
  await expect(app.userRows().first()).toBeVisible();
  const sorted = await names(page);
  expect(sorted).toEqual([...sorted].sort((a, b) => b.localeCompare(a)));
  await page.goto("/people?state=suspended");
  await expect(app.userRows().first()).toBeVisible();
  for (const state of await page.getByTestId("user-state").allTextContents()) expect(state).toBe("Suspended");
  // The seat filter (R31): notification-only people take no seat, an administrator takes one.
  await page.goto("/people?seat=no");
  await expect(app.userRows().filter({ hasText: "Eli Novak" })).toBeVisible();
  await expect(app.userRows().filter({ hasText: "Avery Adams" })).toHaveCount(0);
  await page.goto("/people?seat=yes");
  await expect(page.getByTestId("filter-seat")).toHaveValue("yes");
  await expect(app.userRows().filter({ hasText: "Avery Adams" })).toBeVisible();
  await expect(app.userRows().filter({ hasText: "Eli Novak" })).toHaveCount(0);
  // Last sign-in: the person signed in now comes first, those who never have come last;
  // Parker (invited) never has, and Eli (notifications only) never signs in.
  await page.goto("/people?sort=signed-in");
  await expect(app.userRows().first()).toContainText("Avery Adams");
  await expect(app.userRows().first().getByTestId("last-sign-in")).toHaveText(/Just now|minute/);
  await expect(app.userRows().filter({ hasText: "Parker Ellis" }).getByTestId("last-sign-in")).toHaveText("Never");
  await expect(app.userRows().filter({ hasText: "Eli Novak" }).getByTestId("last-sign-in")).toHaveText("—");
  const seen = await page.getByTestId("last-sign-in").allTextContents();
  const firstNever = seen.findIndex((t) => t === "Never" || t === "—");
  expect(seen.slice(firstNever).every((t) => t === "Never" || t === "—"), seen.join(", ")).toBe(true);
  await page.screenshot({ path: "tests/e2e/screenshots/people-signed-in.png" });
  await page.goto("/people?q=nobody-has-this-name");
  await expect(page.getByTestId("empty")).toContainText("Nobody matches");
  await app.expectNoPageErrors();
});

test("People: choose several, suspend them after confirming, export the list", async ({ page }) => {
  const api = await apiAs(ADMIN);
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows().first()).toBeVisible();

  // Export what the filter shows, as CSV.
  await page.getByTestId("user-search").fill("manager");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export").click()]);
  const csv = await readFile(await download.path(), "utf8");
  const lines = csv.trim().split("\r\n");
  expect(lines[0]).toBe("name,email,state,roles");
  expect(lines.length - 1).toBe(await app.userRows().count());
  expect(csv).toContain("Casey Moreno,casey@brightline.example,Active");

  // Two chosen, one confirmation, both suspended.
  await page.getByTestId("user-search").fill("");
  for (const who of ["Frankie Lau", "Gray Sato"]) {
    await app.userRows().filter({ hasText: who }).getByTestId("row-select").check();
  }
  await expect(page.getByTestId("selected-count")).toHaveText("2 people chosen");
  await page.getByTestId("bulk-suspend").click();
  await expect(page.locator("dialog[open]")).toBeVisible();
  await expect(page.locator("dialog[open]")).toContainText("Suspend 2 people?");
  await page.screenshot({ path: "tests/e2e/screenshots/people-confirm.png" });
  await page.locator("dialog[open]").getByTestId("dialog-confirm").click();
  for (const who of ["Frankie Lau", "Gray Sato"]) {
    await expect(app.userRows().filter({ hasText: who }).getByTestId("user-state")).toHaveText("Suspended");
  }
  await expect(page.getByTestId("pending-count")).toHaveCount(0);
  expect((await api("/users/u_frankie")).body.user.state).toBe("suspended");

  // Cancelling a confirmation changes nothing.
  const gray = app.userRows().filter({ hasText: "Gray Sato" });
  await gray.getByTestId("row-action").click();
  await page.locator("dialog[open]").getByTestId("dialog-cancel").click();
  await expect(page.locator("dialog[open]")).toHaveCount(0);
  await expect(gray.getByTestId("user-state")).toHaveText("Suspended");
  // Unsuspended again: one from the row, one from their page.
  await gray.getByTestId("row-action").click();
  await page.locator("dialog[open]").getByTestId("dialog-confirm").click();
  await expect(gray.getByTestId("user-state")).toHaveText("Active");
  await app.userRows().filter({ hasText: "Frankie Lau" }).getByTestId("person-link").click();
  await expect(page).toHaveURL(`${base}/people/u_frankie`);
  await page.getByTestId("person-suspend").click();
  await page.locator("dialog[open]").getByTestId("dialog-confirm").click();
  await expect(page.getByTestId("person-state")).toHaveText("Active");
  await expect.poll(async () => (await api("/users/u_frankie")).body.user.state).toBe("active");
  await app.expectNoPageErrors();
});

test("Add a person in steps, with the seat preview, and save and add another", async ({ page }) => {
  const api = await apiAs(ADMIN);
  const run = Date.now();
  const first = { name: "Wren Steps", email: `wren${run}@brightline.example` };
  const second = { name: "Yael Again", email: `yael${run}@brightline.example` };
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows().first()).toBeVisible();
  const seatsBefore = (await api("/agency")).body.seats_used;

  await page.getByTestId("add-person").click();
  await expect(page).toHaveURL(`${base}/people/new`);
  // Each step says what is missing before the next one opens.
  await page.getByTestId("step-next").click();
  await expect(page.getByTestId("role-error")).toHaveText("Choose what they will do.");
  await expect(page.getByTestId("role-choice")).toContainText("Sees everything except messages, and changes nothing.");
  await page.getByTestId("role-Viewer").check();
  await page.screenshot({ path: "tests/e2e/screenshots/add-person.png" });
  await page.getByTestId("step-next").click();
  await page.getByTestId("new-name").fill(first.name);
  await page.getByTestId("new-email-address").fill("not an address");
  await page.getByTestId("step-next").click();
  await expect(page.getByTestId("new-email-address-error")).toBeVisible();
  await page.getByTestId("new-email-address").fill("casey@brightline.example");
  await page.getByTestId("step-next").click();
  await expect(page.getByTestId("new-email-address-error")).toHaveText("Someone in this agency already has this address.");
  await page.getByTestId("new-email-address").fill(first.email);
  await page.getByTestId("step-next").click();
  await page.getByTestId("step-next").click();
  await expect(page.getByTestId("node-error")).toBeVisible();
  await page.getByTestId("node-n_summit").check();
  await page.getByTestId("node-n_acme").check();
  await page.getByTestId("step-next").click();
  await page.getByTestId("how-invite").check();
  await page.getByTestId("step-next").click();
  await expect(page.getByTestId("review")).toContainText("Summit Realty, Acme Plumbing");
  await expect(page.getByTestId("seat-preview")).toContainText(`Seats go from ${seatsBefore} to ${seatsBefore + 1}`);
  await page.screenshot({ path: "tests/e2e/screenshots/add-person-review.png" });

  await page.getByTestId("add-save-another").click();
  await expect(page.getByTestId("toast").filter({ hasText: `${first.name} is invited` })).toBeVisible();
  // Back at the name, empty, with the same role and places.
  await expect(page.getByTestId("new-name")).toHaveValue("");
  await page.getByTestId("new-name").fill(second.name);
  await page.getByTestId("new-email-address").fill(second.email);
  await page.getByTestId("step-next").click();
  await page.getByTestId("step-next").click();
  await page.getByTestId("how-notify").check();
  await page.getByTestId("step-next").click();
  await expect(page.getByTestId("seat-preview")).toContainText("No change");
  await page.getByTestId("add-save").click();
  await expect(page).toHaveURL(/\/people\/u_/);
  await expect(page.getByTestId("person-name")).toHaveText(second.name);
  await expect(page.getByTestId("person-state")).toHaveText("Notifications only");

  const listed = (await api(`/users?q=${run}`)).body.users;
  const wren = listed.find((u) => u.email === first.email);
  const yael = listed.find((u) => u.email === second.email);
  expect(wren.state).toBe("invited");
  expect(wren.roles.map((r) => `${r.role} in ${r.node}`).sort()).toEqual(["Viewer in Acme Plumbing", "Viewer in Summit Realty"]);
  expect(yael.state).toBe("notification_only");
  for (const u of [wren, yael]) expect((await api(`/users/${u.id}`, { method: "DELETE" })).status).toBe(200);
  await app.expectNoPageErrors();
});

test("A person's page: change, add and remove roles, send the invitation again, rename, delete", async ({ page }) => {
  const api = await apiAs(ADMIN);
  const run = Date.now();
  const id = `u_e2e_page_${run}`;
  const made = await api("/users", {
    method: "POST",
    body: { id, name: "Pia Page", email: `pia${run}@brightline.example`, role: { kind: "builtin", id: "Viewer" }, node: "n_summit" },
  });
  expect(made.status).toBe(201);
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows().first()).toBeVisible();
  await page.goto(`/people/${id}`);
  await expect(page.getByTestId("person-name")).toHaveText("Pia Page");
  await expect(page.getByTestId("person-invitation")).toContainText("The link works until");

  await page.getByTestId("person-resend").click();
  await expect(page.getByTestId("toast").filter({ hasText: "A new link is on its way" })).toBeVisible();

  // Promote in one step (R13): Viewer becomes Reporting at the same place.
  await page.getByTestId("grant-role").selectOption({ label: "Reporting" });
  await expect(page.getByTestId("toast").filter({ hasText: "The role is changed." })).toBeVisible();
  await expect.poll(async () => (await api(`/users/${id}`)).body.roles.map((r) => r.role)).toEqual(["Reporting"]);

  // Another role somewhere else, chosen from the tree.
  await page.getByTestId("grant-add-open").click();
  await page.getByTestId("grant-add-role").selectOption({ label: "Manager" });
  await page.getByTestId("grant-add-form").getByTestId("node-n_acme").check();
  await page.getByTestId("grant-add-save").click();
  await expect(page.getByTestId("grant-row")).toHaveCount(2);
  // Until they accept, an invited person can do nothing anywhere.
  await expect(page.getByTestId("access-none")).toHaveText("Nothing until they accept the invitation.");
  await page.screenshot({ path: "tests/e2e/screenshots/person.png", fullPage: true });

  // Removing asks first.
  await page.getByTestId("grant-row").filter({ hasText: "Acme Plumbing" }).getByTestId("grant-remove").click();
  await expect(page.locator("dialog[open]")).toContainText("Remove Manager in Acme Plumbing?");
  await page.locator("dialog[open]").getByTestId("dialog-confirm").click();
  await expect(page.getByTestId("grant-row")).toHaveCount(1);

  // A name is checked here before it is sent; a good one is saved.
  await page.getByTestId("person-name-input").fill("   ");
  await page.getByTestId("person-name-save").click();
  await expect(page.getByTestId("person-name-error")).toHaveText("Enter a name.");
  await page.getByTestId("person-name-input").fill("Pia Renamed");
  await page.getByTestId("person-name-save").click();
  await expect.poll(async () => (await api(`/users/${id}`)).body.user.name).toBe("Pia Renamed");
  await expect(page.getByTestId("person-history")).toContainText("Avery Adams");
  // Changes to her roles are part of her history, not only changes to her.
  await page.reload();
  await expect(page.getByTestId("person-history")).toContainText("Avery Adams gave them a role.");
  await expect(page.getByTestId("person-history")).toContainText("Avery Adams changed one of their roles.");

  // Deleting waits for the name to be typed.
  await page.getByTestId("person-delete-open").click();
  await expect(page.locator("dialog[open]").getByTestId("dialog-confirm")).toBeDisabled();
  await page.getByTestId("delete-reassign").selectOption({ label: "Casey Moreno" });
  await page.locator("dialog[open]").getByTestId("dialog-type").fill("Pia Wrong");
  await expect(page.locator("dialog[open]").getByTestId("dialog-confirm")).toBeDisabled();
  await page.locator("dialog[open]").getByTestId("dialog-type").fill("Pia Renamed");
  await page.screenshot({ path: "tests/e2e/screenshots/person-delete.png" });
  await page.locator("dialog[open]").getByTestId("dialog-confirm").click();
  await expect(page).toHaveURL(`${base}/people`);
  await expect(page.getByTestId("toast").filter({ hasText: "Pia Renamed is deleted" })).toBeVisible();
  expect((await api(`/users/${id}`)).body.user.state).toBe("deleted");
  await app.expectNoPageErrors();
});

test("A Manager sees only their accounts, and what they may not give is disabled with the reason", async ({ page }) => {
  const app = new Console(page);
  await app.open();
  await app.signIn(CASEY.email, CASEY.password);
  await expect(app.userRows().first()).toBeVisible();
  await expect(app.userRows().filter({ hasText: "Blake Okafor" })).toHaveCount(0);
  // Someone outside their accounts does not exist for them (R2, R10).
  await page.goto("/people/u_blake");
  await expect(page.getByTestId("person-missing")).toBeVisible();
  // Inside them: a role larger than their own cannot be chosen.
  await page.goto("/people/u_kai");
  await expect(page.getByTestId("person-name")).toHaveText("Kai Lindqvist");
  const admin = page.getByTestId("grant-role").locator("option", { hasText: "Agency Administrator" });
  await expect(admin).toBeDisabled();
  await expect(admin).toContainText("not yours to give");
  // Adding a person: places outside Harbor Dental cannot be chosen, and say why.
  await page.goto("/people/new");
  // An Agent makes calls, which a Manager may not (R11): Harbor Dental says so.
  await page.getByTestId("role-Agent").check();
  await page.getByTestId("step-next").click();
  await page.getByTestId("new-name").fill("Never Saved");
  await page.getByTestId("new-email-address").fill("never@brightline.example");
  await page.getByTestId("step-next").click();
  await expect(page.getByTestId("node-n_harbor")).toBeDisabled();
  await expect(page.getByTestId("tree-picker")).toContainText("this role would let them see their own calls");
  await page.getByTestId("step-back").click();
  await page.getByTestId("step-back").click();
  await page.getByTestId("role-Reporting").check();
  await page.getByTestId("step-next").click();
  await page.getByTestId("step-next").click();
  await expect(page.getByTestId("node-n_harbor")).toBeEnabled();
  await expect(page.getByTestId("tree-picker")).not.toContainText("Acme Plumbing");
  await page.setViewportSize({ width: 375, height: 740 });
  await page.screenshot({ path: "tests/e2e/screenshots/add-person-phone.png", fullPage: true });
  await app.expectNoPageErrors();
});

test("An Agent opening People or Add a person reads why not, in words", async ({ page }) => {
  const app = new Console(page);
  await page.goto("/people/new");
  await app.signIn(KAI.email, KAI.password);
  await expect(page.getByTestId("not-allowed")).toContainText("Your roles do not let you add people.");
  await page.goto("/people");
  await expect(page.getByTestId("not-allowed")).toContainText("Your roles do not let you see other people.");
  await expect(page.locator("body")).not.toContainText("R10");
  await app.expectNoPageErrors();
});

test("People at a phone's width: no sideways scrolling, rows readable", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows().first()).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "tests/e2e/screenshots/users-phone.png" });
  await page.goto("/people/u_kai");
  await expect(page.getByTestId("person-name")).toBeVisible();
  await expect(page.getByTestId("access-line").first()).toContainText("Pier Street: see their own calls");
  await expect(page.getByTestId("access-line").first()).toContainText("Because: Agent here.");
  const overflow2 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow2).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "tests/e2e/screenshots/person-phone.png", fullPage: true });
  await app.expectNoPageErrors();
});
