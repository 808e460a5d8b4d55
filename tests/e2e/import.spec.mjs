// Adding many people at once: paste a mixed file, read every line's outcome in words, fix a
// line in place, add the good ones while the progress bar moves, and read the summary; an
// import cut short is offered again and resumes without adding anyone twice.
import { expect, test } from "@playwright/test";
import { ADMIN, Console, apiAs, expectAccessible } from "./pages/console.mjs";

const run = Date.now();
const emails = [`ana.${run}@example.com`, `bo.${run}@example.com`, `cy.${run}@example.com`];

async function removeImported(api) {
  const list = await api(`/users?q=${run}`);
  for (const user of list.body.users) {
    if (emails.includes(user.email) || user.email.includes(`${run}`)) {
      const gone = await api(`/users/${user.id}`, { method: "DELETE" });
      expect(gone.status).toBe(200);
    }
  }
}

test("Add many: a pasted file is checked line by line, a line is fixed, the rest are added with progress", async ({ page }) => {
  const api = await apiAs(ADMIN);
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await page.getByTestId("add-many").click();
  await expect(page).toHaveURL(/\/people\/import$/);

  const file = [
    "Email,First name,Last name,Receiving number",
    `${emails[0]},Ana,"Ríos, Jr.",(415) 555-0199`,
    `not-an-address,Bo,Ek,`,
    `${emails[2]},Cy,Park,`,
    `${ADMIN.email},Avery,Again,`,
    `${emails[2].toUpperCase()},Cy,Twice,`,
  ].join("\n");
  await page.getByTestId("import-text").fill(file);
  await page.getByTestId("import-role").selectOption("Agent");
  await page.getByTestId("node-n_harbor_pier").check();
  await page.getByTestId("import-check").click();

  const lines = page.getByTestId("import-line");
  await expect(lines).toHaveCount(5);
  await expect(page.getByTestId("import-counts")).toHaveText(
    "5 lines, 2 ready to add, 1 already in the agency, 2 with problems.",
  );
  await expect(lines.nth(1).getByTestId("import-reason")).toContainText("is not an e-mail address");
  await expect(lines.nth(3).getByTestId("import-reason")).toContainText("Someone in the agency already has this address");
  await expect(lines.nth(4).getByTestId("import-reason")).toContainText("The same address is on line 4");
  // Words for an administrator, not rule codes.
  await expect(page.getByTestId("import-preview")).not.toContainText("R10");

  // The lines to fix download as CSV with their reasons.
  const download = page.waitForEvent("download");
  await page.getByTestId("import-download-problems").click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe("lines-to-fix.csv");

  await page.screenshot({ path: "tests/e2e/screenshots/import-preview-1280.png", fullPage: true });
  await expectAccessible(page, "Add many, preview");

  // Line 3 is fixed in place and checked again.
  await lines.nth(1).getByTestId("import-fix").click();
  await page.getByTestId("fix-email").fill(emails[1]);
  await page.getByTestId("fix-check").click();
  await expect(page.getByTestId("import-counts")).toHaveText(
    "5 lines, 3 ready to add, 1 already in the agency, 1 with a problem.",
  );
  await expect(lines.nth(1).getByTestId("import-outcome")).toHaveText("Ready");

  await page.getByTestId("import-save").click();
  await expect(page.getByTestId("import-bar")).toBeVisible();
  await expect(page.getByTestId("import-progress")).toContainText("Saved 3 of 3");
  await expect(page.getByTestId("import-summary")).toContainText(
    "Added 3 people. 1 was already in the agency. 1 line with a problem was not added",
  );
  await expect(lines.nth(0).getByTestId("import-outcome")).toHaveText("Added");

  // They are in the agency, once each, invited, Ana with her number.
  for (const email of emails) {
    const found = (await api(`/users?q=${encodeURIComponent(email)}`)).body.users.filter((u) => u.email === email);
    expect(found, email).toHaveLength(1);
    expect(found[0].state).toBe("invited");
  }
  const ana = (await api(`/users?q=${encodeURIComponent(emails[0])}`)).body.users[0];
  const detail = await api(`/users/${ana.id}`);
  expect(detail.body.user.settings.receiving_number).toBe("+14155550199");
  await removeImported(api);
});

test("Add many: an import cut short is offered again and resumes without adding anyone twice", async ({ page }) => {
  const api = await apiAs(ADMIN);
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  // Signed in before the address changes: leaving the page would cancel the request.
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
  await page.goto("/people/import");
  const file = Array.from({ length: 3 }, (_, i) => `resume${i}.${run}@example.com,Resume,Person ${i}`).join("\n");
  await page.getByTestId("import-text").fill(file);
  await page.getByTestId("import-role").selectOption("Agent");
  await page.getByTestId("node-n_harbor_pier").check();
  await page.getByTestId("import-check").click();
  await expect(page.getByTestId("import-counts")).toHaveText("3 lines, 3 ready to add.");

  // The connection drops as the save starts: nothing is lost, and the page says how far it got.
  await page.route("**/api/v1/users/import", (route) => route.abort("internetdisconnected"));
  await page.getByTestId("import-save").click();
  await expect(page.getByTestId("import-error")).toContainText("0 of 3 were saved; resume to save the rest.");
  await expect(page.getByTestId("import-pending")).toContainText("An import stopped after 0 of 3 people");
  await page.unroute("**/api/v1/users/import");

  // The tab is closed and opened again: the import is still offered, and resuming adds them.
  await page.reload();
  await expect(page.getByTestId("import-pending")).toBeVisible();
  await page.screenshot({ path: "tests/e2e/screenshots/import-resume-1280.png", fullPage: true });
  await page.getByTestId("import-resume").click();
  await expect(page.getByTestId("import-summary")).toContainText("Added 3 people.");
  await expect(page.getByTestId("import-pending")).toHaveCount(0);
  for (let i = 0; i < 3; i++) {
    const email = `resume${i}.${run}@example.com`;
    const found = (await api(`/users?q=${encodeURIComponent(email)}`)).body.users.filter((u) => u.email === email);
    expect(found, email).toHaveLength(1);
  }
  await removeImported(api);
});

test("Add many at 375 px: the form, the preview and a fix fit a phone", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  // Signed in before the address changes: leaving the page would cancel the request.
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
  await page.goto("/people/import");
  await page.getByTestId("import-text").fill(`x.${run}@example.com,Xena,Long-Surname-Here,+44 20 7946 0958\nbad,Yo,\n`);
  await page.getByTestId("import-role").selectOption("Agent");
  await page.getByTestId("node-n_harbor_pier").check();
  await page.getByTestId("import-check").click();
  await expect(page.getByTestId("import-line")).toHaveCount(2);
  await page.getByTestId("import-fix").click();
  await expect(page.getByTestId("fix-email")).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "tests/e2e/screenshots/import-375.png", fullPage: true });
  await expectAccessible(page, "Add many, preview");
});
