import { expect, test } from "@playwright/test";
import { ADMIN, Console } from "./pages/console.mjs";

const base = process.env.SWITCHBOARD_URL;

/** Calls the API as a script would, with the administrator's session. */
async function api(path, { method = "GET", body, cookie } = {}) {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return response;
}

test("an invited person opens the link, sets a password and is in", async ({ page }) => {
  const signIn = await api("/session", { method: "POST", body: ADMIN });
  const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith("sb_session=")).split(";")[0];
  const run = Date.now();
  const user = `u_http_e2e_${run}`;
  const email = `e2e${run}@brightline.example`;
  const invite = await api("/commands", {
    method: "POST",
    cookie,
    body: {
      command: "invite", user, grant: `g_http_e2e_${run}`, email, name: "Rowan Recruit",
      role: { kind: "builtin", id: "Manager" }, node: "n_acme",
    },
  });
  expect(invite.status).toBe(200);
  const outbox = await (await api("/dev/outbox")).json();
  const mail = outbox.find((m) => m.to_email === email);
  const link = mail.body.match(/https?:\/\/\S+\/accept#\S+/)[0];

  const app = new Console(page);
  await page.goto(link);
  await expect(page.getByTestId("accept-form")).toBeVisible();
  await page.getByTestId("new-password").fill("password");
  await page.getByTestId("repeat-password").fill("password");
  await page.getByTestId("accept").click();
  await expect(page.getByTestId("new-password-error")).toContainText("upper-case");
  await page.screenshot({ path: "tests/e2e/screenshots/accept-invitation.png" });

  await page.getByTestId("new-password").fill("Welcome-aboard1");
  await page.getByTestId("repeat-password").fill("Welcome-aboard1");
  await page.getByTestId("accept").click();
  await expect(page.getByTestId("signed-in-as")).toHaveText("Rowan Recruit");
  await expect(page).toHaveURL(`${base}/people`);
  // A Manager of Acme sees Acme's people, themself among them.
  await expect(app.userRows().filter({ hasText: "Rowan Recruit" })).toHaveCount(1);
  await expect(app.userRows().filter({ hasText: "Kai Lindqvist" })).toHaveCount(0);
  await app.expectNoPageErrors();

  // Leave the demo as it was.
  const cleanup = await api("/commands", { method: "POST", cookie, body: { command: "delete", user, reassign_to: null } });
  expect(cleanup.status).toBe(200);
});
