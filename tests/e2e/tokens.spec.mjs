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
  await panel.getByTestId("token-node").selectOption({ label: "Acme Plumbing" });
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
  await expect(row).toHaveCount(0);
  await expect(panel.getByTestId("token-secret")).toHaveCount(0);
  const after = await fetch(`${base}/api/v1/users`, { headers: { authorization: `Bearer ${secret}` } });
  expect(after.status).toBe(401);
  await app.expectNoPageErrors();
});
