import { expect, test } from "@playwright/test";
import { ADMIN, Console } from "./pages/console.mjs";

const base = process.env.SWITCHBOARD_URL;

test("an administrator makes an API token for one account, sees it once, and revokes it", async ({ page }) => {
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(page.getByTestId("signed-in-as")).toHaveText("Avery Adams");
  // API tokens live on the person's own account page.
  await page.getByTestId("nav-account").click();
  await expect(page).toHaveURL(`${base}/account`);

  const name = `Acme nightly export ${Date.now()}`;
  const panel = page.getByTestId("tokens");
  await panel.getByTestId("token-name").fill(name);
  // Checked before anything is sent: an account must be chosen.
  await panel.getByTestId("token-create").click();
  await expect(panel.getByTestId("token-nodes-error")).toHaveText("Choose at least one account.");
  // Capabilities are grouped by what they are about, in words.
  await expect(panel.getByTestId("token-capabilities")).toContainText("Phone numbers");
  await panel.getByTestId("node-n_acme").check();
  await expect(panel.locator('input[data-capability="users.view"]')).toBeChecked();
  await panel.getByTestId("token-create").click();
  const secret = (await panel.getByTestId("token-secret").locator("code").textContent()).trim();
  expect(secret).toMatch(/^sbt_/);
  const row = panel.getByTestId("token-row").filter({ hasText: name });
  await expect(row).toContainText("see people");
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "tests/e2e/screenshots/api-tokens.png", fullPage: true });

  // The token works for a script, inside Acme only.
  const listed = await fetch(`${base}/api/v1/users`, { headers: { authorization: `Bearer ${secret}` } });
  expect(listed.status).toBe(200);
  const emails = (await listed.json()).users.map((u) => u.email);
  expect(emails).toContain("blake@brightline.example");
  expect(emails).not.toContain("casey@brightline.example");

  // Revoked in the console, it stops working on its next use (R23).
  await row.getByTestId("token-revoke").click();
  await expect(page.locator("dialog[open]")).toContainText(`Revoke ${name}?`);
  await page.locator("dialog[open]").getByTestId("dialog-confirm").click();
  await expect(row).toHaveCount(0);
  await expect(panel.getByTestId("token-secret")).toHaveCount(0);
  const after = await fetch(`${base}/api/v1/users`, { headers: { authorization: `Bearer ${secret}` } });
  expect(after.status).toBe(401);
  await app.expectNoPageErrors();
});

test("an Agent's token form offers only what their role holds, and the places where they have it", async ({ page }) => {
  const app = new Console(page);
  await app.open();
  await app.signIn("kai@brightline.example", ADMIN.password);
  await expect(page).toHaveURL(`${base}/account`);
  const panel = page.getByTestId("tokens");
  await expect(panel.locator('input[data-capability="calls.make"]')).toBeEnabled();
  await expect(panel.locator('input[data-capability="users.suspend"]')).toBeDisabled();
  await expect(panel.locator("label.capability", { hasText: "Suspend people" })).toContainText("not yours to give");
  await expect(panel.getByTestId("node-n_harbor_pier")).toBeEnabled();
  await panel.getByTestId("token-name").fill("Kai's dialer");
  await panel.getByTestId("node-n_harbor_pier").check();
  await panel.locator('input[data-capability="calls.make"]').check();
  await panel.getByTestId("token-create").click();
  await expect(panel.getByTestId("token-secret")).toBeVisible();
  await app.expectNoPageErrors();
});
