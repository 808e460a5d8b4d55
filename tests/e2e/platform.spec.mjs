// Connect your platform: a service token made (checked here first), shown once, used to ask
// who may see a call, and revoked after confirming; a webhook endpoint added, a change shown
// among its deliveries with where it stands, sent again, and the endpoint removed; the Security
// screen saying where deliveries stand. A Manager has no such screen; at a phone's width it
// reads well.
import { expect, test } from "@playwright/test";
import { ADMIN, Console, apiAs, expectAccessible } from "./pages/console.mjs";

const CASEY = { email: "casey@brightline.example", password: ADMIN.password };

async function ask(secret) {
  const response = await fetch(`${process.env.SWITCHBOARD_URL}/api/v1/check`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
    body: JSON.stringify({
      questions: [{ user: "u_kai", capability: "calls.view.own", node: "n_harbor_pier", owner: "u_kai" }],
    }),
  });
  return { status: response.status, body: response.status === 200 ? await response.json() : null };
}

test("Platform: a service token asks and is revoked; an endpoint hears a change, sent again and removed", async ({ page }) => {
  const api = await apiAs(ADMIN);
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows().first()).toBeVisible();
  await page.getByTestId("nav-platform").click();
  await expect(page).toHaveURL(/\/platform$/);
  await expect(page.getByRole("heading", { name: "Connect your platform" })).toBeVisible();

  // A token needs a name: said beside the field, nothing sent.
  await page.getByTestId("service-token-create").click();
  await expect(page.getByTestId("service-token-error")).toBeVisible();
  await page.getByTestId("service-token-name").fill("Call tracking, production");
  await page.getByTestId("service-token-create").click();
  const secret = (await page.getByTestId("service-token-secret").locator("code").textContent()).trim();
  expect(secret).toMatch(/^sbs_/);
  const row = page.getByTestId("service-token-row").filter({ hasText: "Call tracking, production" });
  await expect(row).toContainText("made by Avery Adams");
  const asked = await ask(secret);
  expect(asked.status).toBe(200);
  expect(asked.body.answers[0].allowed).toBe(true);

  // An endpoint: an address that is not one is refused here; then one on this machine, where
  // nothing listens, so its deliveries wait to be tried again.
  await page.getByTestId("webhook-url").fill("ftp://calls.example.com");
  await page.getByTestId("webhook-add").click();
  await expect(page.getByTestId("webhook-error")).toContainText("https://");
  await page.getByTestId("webhook-url").fill("http://127.0.0.1:9/switchboard");
  await page.getByTestId("webhook-add").click();
  await expect(page.getByTestId("webhook-secret")).toContainText("whsec_");
  await expect(page.getByTestId("webhook-row")).toContainText("http://127.0.0.1:9/switchboard");

  // A change, made elsewhere, appears among the deliveries with where it stands.
  expect((await api("/nodes/n_summit", { method: "PATCH", body: { name: "Summit Realty Group" } })).status).toBe(200);
  expect((await api("/nodes/n_summit", { method: "PATCH", body: { name: "Summit Realty" } })).status).toBe(200);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("delivery-row").first()).toContainText(/Summit Realty.*: renamed an account or location/, { timeout: 1000 });
    await expect(page.getByTestId("delivery-state").first()).toContainText("Trying again", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await page.screenshot({ path: "tests/e2e/screenshots/platform.png", fullPage: true });
  await expectAccessible(page, "platform");
  await page.getByTestId("delivery-replay").first().click();
  await expect(page.getByTestId("toasts")).toContainText("Sent again.");

  // The Security screen says where deliveries stand, and leads here.
  await page.getByTestId("nav-security").click();
  await expect(page.getByTestId("security-platform-state")).toContainText("waiting to be delivered");
  await page.getByTestId("security-platform").getByRole("link").click();
  await expect(page).toHaveURL(/\/platform$/);

  // Removing the endpoint and revoking the token, each after confirming.
  await page.getByTestId("webhook-remove").click();
  await page.locator("dialog[open]").getByTestId("dialog-confirm").click();
  await expect(page.getByTestId("toasts")).toContainText("no longer receives changes");
  await expect(page.getByTestId("webhook-row")).toHaveCount(0);
  await row.getByTestId("service-token-revoke").click();
  await page.locator("dialog[open]").getByTestId("dialog-confirm").click();
  await expect(page.getByTestId("toasts")).toContainText("no longer works");
  await expect(row).toHaveCount(0);
  expect((await ask(secret)).status).toBe(401);
  await app.expectNoPageErrors();
});

test("A Manager has no platform screen; at a phone's width it reads well", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  const app = new Console(page);
  await app.open();
  await app.signIn(CASEY.email, CASEY.password);
  await expect(app.userRows().first()).toBeVisible();
  await expect(page.getByTestId("nav-platform")).toHaveCount(0);
  await page.goto("/platform");
  await expect(page.getByTestId("not-allowed")).toContainText("connect the platform");
  await app.signOutLeavingNothing();
  // Signed in again, the screen the address names opens.
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/platform$/);
  await expect(page.getByTestId("platform-tokens")).toBeVisible();
  await page.getByTestId("service-token-name").fill("Phone check");
  await page.getByTestId("service-token-create").click();
  await expect(page.getByTestId("service-token-secret")).toBeVisible();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
  await page.screenshot({ path: "tests/e2e/screenshots/platform-375.png", fullPage: true });
  await expectAccessible(page, "platform");
  await page.getByTestId("service-token-row").filter({ hasText: "Phone check" }).getByTestId("service-token-revoke").click();
  await page.locator("dialog[open]").getByTestId("dialog-confirm").click();
  await expect(page.getByTestId("service-token-row").filter({ hasText: "Phone check" })).toHaveCount(0);
});
