// Every answer that serves the console carries the security headers (scripts/headers.mjs):
// a Content-Security-Policy without 'unsafe-inline' for scripts, framing refused, no sniffing,
// no referrer, HSTS. The console runs under it: every spec fails on a blocked resource.
import { expect, test } from "@playwright/test";
import { ADMIN, Console } from "./pages/console.mjs";

for (const path of ["/", "/forgot", "/people/u_avery", "/reset"]) {
  test(`the console's answer at ${path} carries the security headers`, async ({ request }) => {
    const answer = await request.get(path);
    expect(answer.status()).toBe(200);
    const headers = answer.headers();
    const csp = headers["content-security-policy"];
    expect(csp, "a policy").toBeTruthy();
    const scripts = csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src"));
    expect(scripts).toContain("'self'");
    expect(scripts).toContain("'wasm-unsafe-eval'");
    expect(scripts).not.toContain("unsafe-inline");
    expect(scripts).not.toContain("'unsafe-eval'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("no-referrer");
    expect(headers["strict-transport-security"]).toContain("max-age=");
    expect(headers["x-frame-options"]).toBe("DENY");
  });
}

test("the API's answers are not sniffed and not cached", async ({ request }) => {
  const answer = await request.get("/api/v1/health");
  expect(answer.headers()["x-content-type-options"]).toBe("nosniff");
  expect(answer.headers()["cache-control"]).toBe("no-store");
});

test("the console runs under the policy: signs in and lists people with nothing blocked", async ({ page }) => {
  const app = new Console(page);
  await app.open();
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.userRows().first()).toContainText("Avery Adams");
  // The service worker registers from its own file, allowed as 'self'.
  await expect
    .poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length))
    .toBeGreaterThan(0);
  await app.expectNoPageErrors();
});
