// The Invitations screen (R21): pending invitations with their expiry; sending one again
// replaces its link; revoking asks first, in the page, and then the link dies.
import { expect, test } from "@playwright/test";
import { ADMIN, Console } from "./pages/console.mjs";

const base = process.env.SWITCHBOARD_URL;

async function api(path, { method = "GET", body, cookie } = {}) {
  return fetch(`${base}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

test("an administrator sends an invitation again and revokes another", async ({ page }) => {
  const signIn = await api("/session", { method: "POST", body: ADMIN });
  const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith("sb_session=")).split(";")[0];
  const run = Date.now();
  const people = [
    { id: `u_http_inv_a_${run}`, name: "Quincy Pending", email: `qp${run}@brightline.example` },
    { id: `u_http_inv_b_${run}`, name: "Rory Revoked", email: `rr${run}@brightline.example` },
  ];
  for (const p of people) {
    const made = await api("/users", {
      method: "POST",
      cookie,
      body: { ...p, role: { kind: "builtin", id: "Viewer" }, node: "n_summit" },
    });
    expect(made.status).toBe(201);
  }
  const firstLink = (await (await api("/dev/outbox")).json()).find((m) => m.to_email === people[0].email);

  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await page.getByTestId("nav-invitations").click();
  await expect(page).toHaveURL(`${base}/invitations`);
  const quincy = page.getByTestId("invitation-row").filter({ hasText: "Quincy Pending" });
  const rory = page.getByTestId("invitation-row").filter({ hasText: "Rory Revoked" });
  await expect(quincy).toContainText("Link works until");
  // Parker, the demo's invited agent, is there too.
  await expect(page.getByTestId("invitation-row").filter({ hasText: "Parker Ellis" })).toHaveCount(1);
  await page.screenshot({ path: "tests/e2e/screenshots/invitations.png", fullPage: true });

  await quincy.getByTestId("invitation-resend").click();
  await expect(page.getByTestId("invitation-outcome")).toContainText(`A new link is on its way to ${people[0].email}`);
  const outbox = await (await api("/dev/outbox")).json();
  const newest = outbox.find((m) => m.to_email === people[0].email);
  expect(newest.body).not.toBe(firstLink.body);

  // Revoking asks first, in the page; "Keep it" changes nothing.
  await rory.getByTestId("invitation-revoke").click();
  await expect(rory).toContainText("Revoke? The link stops working.");
  await page.setViewportSize({ width: 375, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "no sideways scrolling on a phone").toBeLessThanOrEqual(0);
  await page.screenshot({ path: "tests/e2e/screenshots/invitations-phone.png", fullPage: true });
  await rory.getByRole("button", { name: "Keep it" }).click();
  await expect(rory.getByTestId("invitation-revoke")).toBeVisible();
  await rory.getByTestId("invitation-revoke").click();
  await rory.getByTestId("invitation-revoke-confirm").click();
  await expect(page.getByTestId("invitation-outcome")).toHaveText("Rory Revoked's invitation is revoked.");
  await expect(rory).toHaveCount(0);
  await app.expectNoPageErrors();

  // A revoked invitation is gone for good; the other one is taken away again.
  const gone = await api(`/users/${people[0].id}`, { method: "DELETE", cookie });
  expect(gone.status).toBe(200);
});
