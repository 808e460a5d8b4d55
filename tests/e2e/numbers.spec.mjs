// Phone numbers: every number with the one person it rings through to; searched; a new number
// given to someone and a number moved from its person after confirming, each checked against
// the Worker; a number read as E.164 before anything is sent; and someone who may see numbers
// but not assign them, reading why.
import { expect, test } from "@playwright/test";
import { ADMIN, Console, apiAs, expectAccessible } from "./pages/console.mjs";

const FRANKIE = { email: "frankie@brightline.example", password: ADMIN.password };
const line = (page, number) => page.getByTestId("number-row").filter({ hasText: number });

test("Numbers: listed with their person, searched, given and moved", async ({ page }) => {
  const api = await apiAs(ADMIN);
  const holder = async (number) =>
    (await api("/numbers")).body.numbers.find((n) => n.number === number)?.user;
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows().first()).toBeVisible();
  await page.getByTestId("nav-numbers").click();
  await expect(page).toHaveURL(/\/numbers$/);
  await expect(line(page, "+14155550104")).toContainText("rings through to");
  await expect(line(page, "+14155550104").getByTestId("number-person")).toHaveText("Harper Quinn");
  await page.screenshot({ path: "tests/e2e/screenshots/numbers.png" });
  await expectAccessible(page, "phone numbers");

  // Searched by digits (however they are written) or by the person's name.
  await page.getByTestId("number-search").fill("(415) 555-0103");
  await expect(page.getByTestId("number-row")).toHaveCount(1);
  await expect(page.getByTestId("number-row")).toContainText("Lee Harmon");
  await page.getByTestId("number-search").fill("morgan");
  await expect(page.getByTestId("number-row")).toHaveCount(2);
  await page.getByTestId("number-search").fill("");

  // A number is read as E.164 here first; nothing is sent for a bad one.
  await page.getByTestId("number-input").fill("12ab");
  await page.getByTestId("number-to").selectOption({ label: "Casey Moreno" });
  await page.getByTestId("number-give-save").click();
  await expect(page.getByTestId("number-error")).toBeVisible();
  expect(await holder("12ab")).toBeUndefined();

  // A new number (new on each run), given to Casey after confirming.
  const fresh = `+1415556${String(Date.now()).slice(-4)}`;
  await page.getByTestId("number-input").fill(fresh);
  await page.getByTestId("number-give-save").click();
  const dialog = page.locator("dialog[open]");
  await expect(dialog).toContainText("It is a new number here; its calls go to Casey Moreno.");
  await dialog.getByTestId("dialog-confirm").click();
  await expect(line(page, fresh).getByTestId("number-person")).toHaveText("Casey Moreno");
  expect(await holder(fresh)).toBe("u_casey");

  // Harper's number moved to Kai: it leaves Harper (one destination).
  await line(page, "+14155550104").getByTestId("number-move").click();
  await expect(page.getByTestId("number-input")).toHaveValue("+14155550104");
  await page.getByTestId("number-to").selectOption({ label: "Harper Quinn" });
  await page.getByTestId("number-give-save").click();
  await expect(page.getByTestId("number-error")).toContainText("already rings through to Harper Quinn");
  await page.getByTestId("number-to").selectOption({ label: "Kai Lindqvist" });
  await page.getByTestId("number-give-save").click();
  await expect(dialog).toContainText("Its calls stop ringing through to Harper Quinn and go to Kai Lindqvist instead.");
  await dialog.getByTestId("dialog-confirm").click();
  await expect(line(page, "+14155550104").getByTestId("number-person")).toHaveText("Kai Lindqvist");
  expect(await holder("+14155550104")).toBe("u_kai");

  // Back to Harper, for the demo.
  expect((await api("/numbers/+14155550104", { method: "PUT", body: { user: "u_harper" } })).status).toBe(200);
  await app.expectNoPageErrors();
});

test("Someone who may see numbers but not assign them reads why; a phone's width", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  const app = new Console(page);
  await app.open();
  await app.signIn(FRANKIE.email, FRANKIE.password);
  await page.getByTestId("nav-numbers").click();
  await expect(page.getByTestId("numbers-assign-why")).toContainText("giving them to people is for those who may assign numbers");
  await expect(page.getByTestId("number-give")).toHaveCount(0);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
  await page.screenshot({ path: "tests/e2e/screenshots/numbers-375.png", fullPage: true });
  await expectAccessible(page, "phone numbers");
  await app.expectNoPageErrors();
});
