import { expect, test } from "@playwright/test";
import { ADMIN, Console } from "./pages/console.mjs";

const NOOR = { email: "noor@brightline.example", password: "Switchboard-demo1" };

function row(app, name) {
  return app.userRows().filter({ hasText: name });
}

test("a change made offline survives a reload and is confirmed when the network returns", async ({ page, context }) => {
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(page.getByTestId("sync-state")).toHaveText("Up to date");
  await app.keptForOffline();
  const morgan = row(app, "Morgan Diallo");
  const before = (await morgan.getByTestId("user-state").textContent()).trim();
  const after = before === "Active" ? "Suspended" : "Active";

  await context.setOffline(true);
  await morgan.getByTestId("row-action").click();
  await page.locator("dialog[open]").getByTestId("dialog-confirm").click();
  await expect(page.getByTestId("pending-count")).toHaveText("1 change waiting to sync");
  await expect(morgan.getByTestId("user-state")).toHaveText(after);
  await expect(morgan.getByTestId("row-waiting")).toBeVisible();
  await expect(page.getByTestId("sync-state")).toHaveText("Offline — showing saved data");
  await page.screenshot({ path: "tests/e2e/screenshots/offline-pending.png", fullPage: true });

  // Still offline: the page comes from the service worker, the change from IndexedDB.
  await page.reload();
  await expect(app.userRows()).toHaveCount(15);
  await expect(page.getByTestId("pending-count")).toHaveText("1 change waiting to sync");
  await expect(morgan.getByTestId("user-state")).toHaveText(after);
  await expect(page.getByTestId("sync-state")).toHaveText("Offline — showing saved data");

  // Signing out now would lose the change: the console asks first, and "cancel" keeps it.
  let asked = "";
  page.once("dialog", async (dialog) => {
    asked = dialog.message();
    await dialog.dismiss();
  });
  await page.getByTestId("sign-out").click();
  await expect.poll(() => asked).toContain("will be lost");
  await expect(page.getByTestId("pending-count")).toHaveText("1 change waiting to sync");

  await context.setOffline(false);
  await expect(page.getByTestId("pending-count")).toHaveCount(0);
  await expect(page.getByTestId("sync-state")).toHaveText("Up to date");
  await expect(morgan.getByTestId("user-state")).toHaveText(after);
  await expect(morgan.getByTestId("row-waiting")).toHaveCount(0);
  // The Worker decided it: the change is there for anyone who asks.
  const stored = await (await page.request.get("/api/v1/users/u_morgan")).json();
  expect(stored.user.state).toBe(after.toLowerCase());

  // Put Morgan back as the demo has them, online this time.
  await morgan.getByTestId("row-action").click();
  await page.locator("dialog[open]").getByTestId("dialog-confirm").click();
  await expect(page.getByTestId("pending-count")).toHaveCount(0);
  await expect(morgan.getByTestId("user-state")).toHaveText(before);
  await app.expectNoPageErrors();
});

test("a change made offline by someone demoted meanwhile is refused and shown with its reason", async ({ page, context, playwright }) => {
  // The administrator makes Noor a Manager of Harbor Logistics for this test.
  const admin = await playwright.request.newContext({ baseURL: process.env.SWITCHBOARD_URL });
  expect((await admin.post("/api/v1/session", { data: ADMIN })).status()).toBe(200);
  const grant = `g_pw_${Date.now()}`;
  const given = await admin.post("/api/v1/users/u_noor/grants", {
    data: { id: grant, role: { kind: "builtin", id: "Manager" }, node: "n_harbor" },
  });
  expect(given.status(), await given.text()).toBe(201);

  const app = new Console(page);
  await app.open();
  await app.signIn(NOOR.email, NOOR.password);
  await expect(page.getByTestId("sync-state")).toHaveText("Up to date");
  const kai = row(app, "Kai Lindqvist");
  const before = (await kai.getByTestId("user-state").textContent()).trim();

  await context.setOffline(true);
  await kai.getByTestId("row-action").click();
  await page.locator("dialog[open]").getByTestId("dialog-confirm").click();
  await expect(page.getByTestId("pending-count")).toHaveText("1 change waiting to sync");
  await expect(kai.getByTestId("user-state")).not.toHaveText(before);

  // Meanwhile Noor is demoted to Viewer there: she may still see Kai, no longer suspend him.
  const demoted = await admin.patch(`/api/v1/grants/${grant}`, {
    data: { role: { kind: "builtin", id: "Viewer" } },
  });
  expect(demoted.status(), await demoted.text()).toBe(200);

  await context.setOffline(false);
  const refused = page.getByTestId("refused");
  await expect(refused).toHaveCount(1);
  await expect(refused).toContainText("Kai Lindqvist");
  // The reason in words; the rule only as a small "why" beside it.
  await expect(refused).not.toContainText(/\(R\d+\)/);
  await expect(refused.getByTestId("refused-rule")).toHaveText(/^Rule R\d+$/);
  await expect(page.getByTestId("pending-count")).toHaveCount(0);
  await expect(kai.getByTestId("user-state")).toHaveText(before);
  // Noor may no longer suspend anyone, and the console no longer offers it on any row.
  await expect(kai.getByTestId("row-action")).toHaveCount(0);
  await expect(page.getByTestId("row-action")).toHaveCount(0);
  // The pull after the push brought Noor's own row as it is now.
  await expect(row(app, "Noor Haddad")).toContainText("Viewer in Harbor Dental");
  await page.screenshot({ path: "tests/e2e/screenshots/offline-refused.png", fullPage: true });
  const stored = await (await admin.get("/api/v1/users/u_kai")).json();
  expect(stored.user.state).toBe(before.toLowerCase());

  // Read and dismissed, the refusal goes, and stays gone after a reload.
  await refused.getByTestId("dismiss").click();
  await expect(refused).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId("sync-state")).toHaveText("Up to date");
  await expect(page.getByTestId("refused")).toHaveCount(0);

  expect((await admin.delete(`/api/v1/grants/${grant}`)).status()).toBe(200);
  await admin.dispose();
  await app.expectNoPageErrors();
});

test("another person signing in on the same browser never sees the previous one's saved data", async ({ page }) => {
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows()).toHaveCount(15);
  await app.signOutLeavingNothing();
  await app.signIn(NOOR.email, NOOR.password);
  await expect(page.getByTestId("signed-in-as")).toHaveText("Noor Haddad");
  await expect(page.getByTestId("sync-state")).toHaveText("Up to date");
  // Noor sees Summit Realty's and Acme's people only, not the administrator.
  await expect(row(app, "Avery Adams")).toHaveCount(0);
  await app.expectNoPageErrors();
});

test("a person's page opens offline: a new name is queued and confirmed online; a role change says it needs the network", async ({ page, context }) => {
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows().first()).toBeVisible();
  await page.goto("/people/u_harper");
  await expect(page.getByTestId("person-name")).toHaveText("Harper Quinn");
  await expect(page.getByTestId("grant-row").first()).toBeVisible();
  // Everything the page reads has been read (and kept) before the network goes.
  await expect(page.getByTestId("access-line").first()).toBeVisible();
  await expect(page.getByTestId("agent-settings")).toBeVisible();
  await app.keptForOffline();

  await context.setOffline(true);
  await page.reload();
  // Opened from what this browser kept.
  await expect(page.getByTestId("person-name")).toHaveText("Harper Quinn");
  await expect(page.getByTestId("grant-row").first()).toBeVisible();
  await page.getByTestId("person-name-input").fill("Harper Offline");
  await page.getByTestId("person-name-save").click();
  await expect(page.getByTestId("person-name")).toHaveText("Harper Offline");
  const current = await page.getByTestId("grant-role").first().inputValue();
  const other = current === "builtin:Viewer" ? "Billing" : "Viewer";
  await page.getByTestId("grant-role").first().selectOption({ label: other });
  await expect(page.getByTestId("toast").filter({ hasText: "Changing a role needs a connection to Switchboard" })).toBeVisible();
  await expect(page.getByTestId("grant-role").first()).toHaveValue(current);
  // What she can do, as last read, is there offline too.
  await expect(page.getByTestId("access-line").first()).toContainText("Acme Downtown");
  await page.screenshot({ path: "tests/e2e/screenshots/person-offline.png", fullPage: true });

  await context.setOffline(false);
  await page.getByTestId("nav-people").click();
  await expect(page.getByTestId("pending-count")).toHaveCount(0);
  await expect(app.userRows().filter({ hasText: "Harper Offline" })).toBeVisible();
  const stored = await (await page.request.get("/api/v1/users/u_harper")).json();
  expect(stored.user.name).toBe("Harper Offline");
  expect(stored.roles[0].role).not.toBe(other);
  // As the demo has her.
  const back = await page.request.patch("/api/v1/users/u_harper", { data: { name: "Harper Quinn" } });
  expect(back.status()).toBe(200);
  await app.expectNoPageErrors();
});
