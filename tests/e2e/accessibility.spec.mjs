// axe-core on every screen this console has, at a desktop's width and a phone's: no serious or
// critical violation.
import { expect, test } from "@playwright/test";
import { ADMIN, Console, expectAccessible } from "./pages/console.mjs";

for (const width of [1280, 375]) {
  test(`the screens of the console are accessible at ${width} px`, async ({ page }) => {
    await page.setViewportSize({ width, height: 800 });
    const app = new Console(page);
    await app.open();
    await expect(page.getByTestId("sign-in-form")).toBeVisible();
    await expectAccessible(page, "sign-in");
    await page.getByTestId("forgot-link").click();
    await expect(page.getByTestId("forgot-form")).toBeVisible();
    await expectAccessible(page, "forgotten password");
    await page.getByTestId("back-to-sign-in").click();

    await app.signIn("indigo@brightline.example", ADMIN.password);
    await expect(page.getByTestId("choose-agency")).toBeVisible();
    await expectAccessible(page, "choose an agency");
    await page.getByTestId("agency-choice").filter({ hasText: "Northwind Calls" }).click();
    await expect(page.getByTestId("agency-name")).toHaveText("Northwind Calls");
    await expect(app.userRows().first()).toBeVisible();
    await expectAccessible(page, "people");
    await app.signOutLeavingNothing();

    await app.signIn(ADMIN.email, ADMIN.password);
    await expect(app.userRows().first()).toBeVisible();
    await page.getByTestId("nav-invitations").click();
    await expect(page.getByTestId("invitation-row").first()).toBeVisible();
    await expectAccessible(page, "invitations");
    await page.goto("/people/u_casey");
    await expect(page.getByTestId("access-line").first()).toBeVisible();
    await expect(page.getByTestId("person-history")).not.toContainText("Loading");
    await expectAccessible(page, "a person's page");
    await page.getByTestId("person-suspend").click();
    await expect(page.locator("dialog[open]")).toBeVisible();
    await expectAccessible(page, "a confirmation");
    await page.locator("dialog[open]").getByTestId("dialog-cancel").click();
    await page.goto("/people/new");
    await expect(page.getByTestId("role-Viewer")).toBeVisible();
    await expectAccessible(page, "add a person: role");
    await page.getByTestId("role-Viewer").check();
    await page.getByTestId("step-next").click();
    await page.getByTestId("new-name").fill("Axe Check");
    await page.getByTestId("new-email-address").fill("axe@brightline.example");
    await page.getByTestId("step-next").click();
    await expect(page.getByTestId("tree-picker")).toBeVisible();
    await expectAccessible(page, "add a person: where");
    await page.goto("/agents");
    await expect(page.getByTestId("campaign-row").first()).toBeVisible();
    await page.getByTestId("campaign-row").first().getByTestId("campaign-dialers-toggle").click();
    await page.getByTestId("campaign-new").click();
    await expect(page.getByTestId("campaign-form")).toBeVisible();
    await expectAccessible(page, "agents and campaigns");
    await page.goto("/security");
    await expect(page.getByTestId("security-idle")).toBeVisible();
    await expectAccessible(page, "security");
    await page.getByTestId("nav-account").click();
    await expect(page.getByTestId("session-row").first()).toBeVisible();
    await expectAccessible(page, "my account");
    await page.goto("/reset#not-a-real-link");
    await expect(page.getByTestId("reset-form")).toBeVisible();
    await expectAccessible(page, "new password");
    await app.expectNoPageErrors();
  });
}
