// A person's own account in the console: choosing and switching between their agencies,
// accepting a second agency's invitation with the password they have, a forgotten password,
// and a new password.
import { expect, test } from "@playwright/test";
import { ADMIN, Console } from "./pages/console.mjs";

const base = process.env.SWITCHBOARD_URL;
const PASSWORD = ADMIN.password;
const NORTHWIND = { email: "admin@northwind.example", password: PASSWORD };

async function api(path, { method = "GET", body, cookie } = {}) {
  return fetch(`${base}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

async function cookieOf(person) {
  const answer = await api("/session", { method: "POST", body: person });
  expect(answer.status).toBe(200);
  return answer.headers.getSetCookie().find((c) => c.startsWith("sb_session=")).split(";")[0];
}

// The newest link in the development outbox mailed to `email` whose path is `path`.
async function newestLink(email, path) {
  const outbox = await (await api("/dev/outbox")).json();
  const mail = outbox.find((m) => m.to_email === email && m.body.includes(`${path}#`));
  return mail?.body.match(new RegExp(`https?://\\S+${path}#\\S+`))[0];
}

// Someone new, invited by `admin` into that admin's agency; `accept` with the demo password.
async function invite(adminCookie, email, { role = "Viewer", node = "n_summit", name = "Sasha Twofold" } = {}) {
  const run = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const answer = await api("/users", {
    method: "POST",
    cookie: adminCookie,
    body: { id: `u_http_pw_${run}`, email, name, role: { kind: "builtin", id: role }, node },
  });
  expect(answer.status).toBe(201);
  return { id: `u_http_pw_${run}`, link: await newestLink(email, "/accept") };
}

async function newMember(name = "Sasha Twofold") {
  const email = `pw${Date.now()}${Math.floor(Math.random() * 1000)}@brightline.example`;
  const { id, link } = await invite(await cookieOf(ADMIN), email, { name });
  const accepted = await api("/invitations/accept", {
    method: "POST",
    body: { token: link.split("#")[1], password: PASSWORD },
  });
  expect(accepted.status).toBe(200);
  return { email, id };
}

// Deletes someone a test added, so the demo agencies are as they were for the tests after.
async function remove(admin, id) {
  const gone = await api(`/users/${id}`, { method: "DELETE", cookie: await cookieOf(admin) });
  expect(gone.status).toBe(200);
}

test("someone in two agencies chooses one after signing in, and switches in the top bar", async ({ page }) => {
  const app = new Console(page);
  await app.open();
  await app.signIn("indigo@brightline.example", PASSWORD);
  const choices = page.getByTestId("agency-choice");
  await expect(page.getByTestId("choose-agency")).toBeVisible();
  await expect(choices).toHaveCount(2);
  await expect(choices.first()).toContainText("used last");
  await page.screenshot({ path: "tests/e2e/screenshots/choose-agency.png" });
  await page.setViewportSize({ width: 375, height: 740 });
  await page.screenshot({ path: "tests/e2e/screenshots/choose-agency-phone.png" });
  await page.setViewportSize({ width: 1280, height: 800 });

  await choices.filter({ hasText: "Northwind Calls" }).click();
  await expect(page.getByTestId("agency-name")).toHaveText("Northwind Calls");
  await expect(page.getByTestId("sync-state")).toHaveText("Up to date");
  // Indigo manages Rival Roofing there: Riley and herself, nobody of Brightline.
  await expect(app.userRows().filter({ hasText: "Riley Brandt" })).toHaveCount(1);
  await expect(app.userRows().filter({ hasText: "Avery Adams" })).toHaveCount(0);

  const switcher = page.getByTestId("agency-switch");
  await expect(switcher).toHaveValue("ag_northwind");
  await page.screenshot({ path: "tests/e2e/screenshots/agency-switch.png" });
  await switcher.selectOption("ag_brightline");
  await expect(page.getByTestId("agency-name")).toHaveText("Brightline Media");
  // Billing at Brightline lists nobody: nothing of Northwind stays on the screen.
  await expect(app.userRows().filter({ hasText: "Riley Brandt" })).toHaveCount(0);
  // On a phone the switcher fits in the top bar.
  await page.setViewportSize({ width: 375, height: 740 });
  await expect(switcher).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "no sideways scrolling on a phone").toBeLessThanOrEqual(0);
  await page.screenshot({ path: "tests/e2e/screenshots/agency-switch-phone.png" });
  await app.expectNoPageErrors();
});

test("a second agency's invitation is accepted with the password one has", async ({ page }) => {
  const { email, id } = await newMember("Robin Both");
  const { id: there, link } = await invite(await cookieOf(NORTHWIND), email, {
    role: "Agent",
    node: "n_rival",
    name: "Robin Both",
  });
  const app = new Console(page);
  await page.goto(link);
  await expect(page.getByTestId("accept-agency")).toHaveText("Northwind Calls invites you to work with them.");
  await expect(page.getByTestId("accept-existing")).toBeVisible();
  await expect(page.getByTestId("new-password")).toHaveCount(0);
  await page.screenshot({ path: "tests/e2e/screenshots/accept-existing.png" });
  await page.getByTestId("existing-password").fill("Not-my-password1");
  await page.getByTestId("accept").click();
  await expect(page.getByTestId("accept-error")).toContainText("not the password");
  await page.getByTestId("existing-password").fill(PASSWORD);
  await page.getByTestId("accept").click();
  await expect(page.getByTestId("agency-name")).toHaveText("Northwind Calls");
  await expect(page.getByTestId("agency-switch")).toHaveValue("ag_northwind");
  await app.expectNoPageErrors();
  await remove(ADMIN, id);
  await remove(NORTHWIND, there);
});

test("a forgotten password is reset from the sign-in page by a mailed link", async ({ page }) => {
  const { email, id } = await newMember();
  const app = new Console(page);
  // The pages a mailed link opens come in a file of their own: the sign-in page does not
  // fetch it, and the forgotten-password page does.
  const linkPages = [];
  page.on("request", (request) => {
    if (request.url().endsWith("-link-pages.wasm")) linkPages.push(request.url());
  });
  await app.open();
  await expect(page.getByTestId("sign-in-form")).toBeVisible();
  expect(linkPages, "the sign-in page fetches no link page").toEqual([]);
  await page.getByTestId("forgot-link").click();
  await expect(page).toHaveURL(`${base}/forgot`);
  await expect(page.getByTestId("forgot-email")).toBeVisible();
  expect(linkPages, "the forgotten-password page comes in its own file").toHaveLength(1);
  // The browser takes this for an address; domain does not, and says why before sending.
  await page.getByTestId("forgot-email").fill("name@nowhere");
  await page.getByTestId("forgot-send").click();
  await expect(page.getByTestId("forgot-email-error")).toContainText("looks like");
  await page.getByTestId("forgot-email").fill(email);
  await page.getByTestId("forgot-send").click();
  await expect(page.getByTestId("forgot-sent")).toContainText("If this address has a Switchboard account");
  await page.screenshot({ path: "tests/e2e/screenshots/forgot.png" });

  const link = await newestLink(email, "/reset");
  await page.goto(link);
  await expect(page.getByTestId("reset-form")).toBeVisible();
  await page.getByTestId("reset-password").fill("Fresh-start9");
  await page.getByTestId("reset-repeat").fill("Fresh-start8");
  await page.getByTestId("reset-save").click();
  await expect(page.getByTestId("reset-repeat-error")).toContainText("not the same");
  await page.getByTestId("reset-repeat").fill("Fresh-start9");
  await page.setViewportSize({ width: 375, height: 740 });
  await page.screenshot({ path: "tests/e2e/screenshots/reset-phone.png" });
  await page.getByTestId("reset-save").click();
  await expect(page.getByTestId("sign-in-notice")).toContainText("Your password is changed");
  await expect(page).toHaveURL(`${base}/`);
  await app.signIn(email, PASSWORD);
  await expect(page.getByTestId("sign-in-error")).toContainText("not right");
  await app.signIn(email, "Fresh-start9");
  await expect(page.getByTestId("signed-in-as")).toHaveText("Sasha Twofold");
  // The link worked once.
  const again = await api("/password/reset", {
    method: "POST",
    body: { token: link.split("#")[1], password: "Another-start9" },
  });
  expect(again.status).toBe(410);
  await app.expectNoPageErrors();
  await remove(ADMIN, id);
});

test("a person changes their own password with the current one", async ({ page }) => {
  const { email, id } = await newMember("Casey Keys");
  const app = new Console(page);
  await app.open();
  await app.signIn(email, PASSWORD);
  await expect(page.getByTestId("signed-in-as")).toHaveText("Casey Keys");
  await page.getByTestId("nav-account").click();
  await expect(page).toHaveURL(`${base}/account`);
  await page.getByTestId("current-password").fill("Wrong-guess1");
  await page.getByTestId("new-password").fill("Changed-pass2");
  await page.getByTestId("repeat-password").fill("Changed-pass2");
  await page.getByTestId("change-password-save").click();
  await expect(page.getByTestId("current-password-error")).toContainText("not your current password");
  await page.getByTestId("current-password").fill(PASSWORD);
  await page.getByTestId("change-password-save").click();
  await expect(page.getByTestId("change-password-done")).toContainText("Your password is changed");
  await page.screenshot({ path: "tests/e2e/screenshots/change-password.png" });
  await page.setViewportSize({ width: 375, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "no sideways scrolling on a phone").toBeLessThanOrEqual(0);
  await page.screenshot({ path: "tests/e2e/screenshots/change-password-phone.png" });
  await app.signOutLeavingNothing();
  await app.signIn(email, "Changed-pass2");
  await expect(page.getByTestId("signed-in-as")).toHaveText("Casey Keys");
  await app.expectNoPageErrors();
  await remove(ADMIN, id);
});

test("a person changes their own address, confirmed by the link mailed to the new one", async ({ page }) => {
  const { email, id } = await newMember("Avi Moving");
  const moved = `moved${Date.now()}@elsewhere.example`;
  const app = new Console(page);
  await app.open();
  await app.signIn(email, PASSWORD);
  await page.getByTestId("nav-account").click();
  await page.getByTestId("new-email").fill(moved);
  await page.getByTestId("address-password").fill("Not-my-password1");
  await page.getByTestId("change-address-save").click();
  await expect(page.getByTestId("address-password-error")).toContainText("not your current password");
  await page.getByTestId("address-password").fill(PASSWORD);
  await page.getByTestId("change-address-save").click();
  await expect(page.getByTestId("change-address-done")).toContainText(`We mailed a link to ${moved}`);
  await expect(page.getByTestId("profile-email")).toHaveText(email);

  const link = await newestLink(moved, "/confirm-email");
  await page.goto(link);
  await expect(page.getByTestId("confirm-address-done")).toHaveText(`Your address is now ${moved}.`);
  await page.screenshot({ path: "tests/e2e/screenshots/confirm-address.png" });
  await page.getByTestId("confirm-continue").click();
  await page.getByTestId("nav-account").click();
  await expect(page.getByTestId("profile-email")).toHaveText(moved);
  // The link worked once.
  await page.goto(link);
  await expect(page.getByTestId("confirm-address-error")).toContainText("not valid any more");
  await app.expectNoPageErrors();
  await remove(ADMIN, id);
});
