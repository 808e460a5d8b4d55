import { createHmac } from "node:crypto";
import { expect, test } from "@playwright/test";
import { Console } from "./pages/console.mjs";

const base = process.env.SWITCHBOARD_URL;
const CASEY = { email: "casey@brightline.example", password: "Switchboard-demo1" };

function fromBase32(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, "")) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** RFC 6238: the 6-digit code of a 30-second step. */
function code(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const digest = createHmac("sha1", secret).update(counter).digest();
  const offset = digest[19] & 0x0f;
  const number = (digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(number).padStart(6, "0");
}

test("someone with two-factor sign-in is asked for the code and gets in with it", async ({ page }) => {
  const signIn = await fetch(`${base}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(CASEY),
  });
  const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith("sb_session=")).split(";")[0];
  const setup = await (await fetch(`${base}/api/v1/me/totp`, { method: "POST", headers: { cookie } })).json();
  const secret = fromBase32(setup.secret);
  const step = Math.floor(Date.now() / 1000 / 30);
  const confirm = await fetch(`${base}/api/v1/me/totp/confirm`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({ code: code(secret, step) }),
  });
  expect(confirm.status).toBe(204);

  const app = new Console(page);
  await app.open();
  await app.signIn(CASEY.email, CASEY.password);
  await expect(page.getByTestId("code")).toBeVisible();
  await expect(page.getByTestId("signed-in-as")).toHaveCount(0);
  await page.getByTestId("code").fill(code(secret, step + 1));
  await page.screenshot({ path: "tests/e2e/screenshots/two-factor.png" });
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("signed-in-as")).toHaveText("Casey Moreno");
  await app.expectNoPageErrors();
});

test("a person turns on two-factor sign-in from My account", async ({ page }) => {
  // A person of this test's own: invited, and accepted with a password.
  const admin = await fetch(`${base}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "admin@brightline.example", password: CASEY.password }),
  });
  const cookie = admin.headers.getSetCookie().find((c) => c.startsWith("sb_session=")).split(";")[0];
  const run = Date.now();
  const email = `totp${run}@brightline.example`;
  const invited = await fetch(`${base}/api/v1/users`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({ email, name: "Tove Totp", role: { kind: "builtin", id: "Viewer" }, node: "n_summit" }),
  });
  expect(invited.status).toBe(201);
  const mail = (await (await fetch(`${base}/api/v1/dev/outbox`)).json()).find((m) => m.to_email === email);
  const token = mail.body.match(/\/accept#(\S+)/)[1];
  const accepted = await fetch(`${base}/api/v1/invitations/accept`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, password: CASEY.password }),
  });
  expect(accepted.status).toBe(200);

  const app = new Console(page);
  await app.open();
  await app.signIn(email, CASEY.password);
  await page.getByTestId("nav-account").click();
  await expect(page).toHaveURL(`${base}/account`);
  await page.getByTestId("totp-start").click();
  const key = (await page.getByTestId("totp-secret").textContent()).replace(/\s/g, "");
  const secret = fromBase32(key);
  await page.getByTestId("totp-code").fill("12");
  await page.getByTestId("totp-confirm").click();
  await expect(page.getByTestId("totp-said")).toHaveText("Enter the 6 digits your authenticator app shows.");
  await page.screenshot({ path: "tests/e2e/screenshots/two-factor-setup.png", fullPage: true });
  await page.getByTestId("totp-code").fill(code(secret, Math.floor(Date.now() / 1000 / 30)));
  await page.getByTestId("totp-confirm").click();
  await expect(page.getByTestId("totp-said")).toContainText("Two-factor sign-in is on.");
  // Signing in now asks for the code.
  const again = await fetch(`${base}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: CASEY.password }),
  });
  expect(again.status).toBe(401);
  expect((await again.json()).errors.map((e) => e.field)).toContain("code");
  await app.expectNoPageErrors();
});
