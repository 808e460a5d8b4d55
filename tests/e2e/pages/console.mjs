// Page object for the console: what a person sees and does, by data-testid.
import AxeBuilder from "@axe-core/playwright";
import { expect } from "@playwright/test";

export class Console {
  constructor(page) {
    this.page = page;
    this.errors = [];
    // A broken WASM module shows a blank page and no other sign: fail on any page error.
    page.on("pageerror", (error) => this.errors.push(error.message));
    // Anything the Content-Security-Policy blocks is a fault of the console, not of the test.
    page.on("console", (message) => {
      if (message.type() === "error" && /Content.Security.Policy/i.test(message.text())) {
        this.errors.push(message.text());
      }
    });
  }

  async open() {
    await this.page.goto("/");
  }

  async signIn(email, password) {
    await this.page.getByTestId("email").fill(email);
    await this.page.getByTestId("password").fill(password);
    await this.page.getByTestId("sign-in").click();
  }

  // The console opens with no network once the service worker controls the page: it has kept
  // the page and every file of the app, each screen's too.
  async keptForOffline() {
    await this.page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 15_000 });
  }

  userRows() {
    return this.page.getByTestId("user-row");
  }

  // Signs out and checks that nothing of the person stays in the browser's store.
  async signOutLeavingNothing() {
    await this.page.getByTestId("sign-out").click();
    await expect(this.page.getByTestId("sign-in-form")).toBeVisible();
    expect(await this.savedCounts(), "meta, users, queue and refusals are empty").toEqual([0, 0, 0, 0]);
  }

  // How many records each of the console's IndexedDB stores holds, in this order.
  async savedCounts(stores = ["meta", "users", "queue", "refused"]) {
    return this.page.evaluate(
      (names) =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open("switchboard");
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction(names);
            const counts = names.map((name) => tx.objectStore(name).count());
            tx.oncomplete = () => resolve(counts.map((count) => count.result));
          };
        }),
      stores,
    );
  }

  async expectNoPageErrors() {
    expect(this.errors, "errors thrown in the page").toEqual([]);
  }
}

export const ADMIN = { email: "admin@brightline.example", password: "Switchboard-demo1" };

// A client of the API signed in as `who`: `call(path, { method, body })` answers its status and
// its body read as JSON.
export async function apiAs(who) {
  const base = process.env.SWITCHBOARD_URL;
  const signIn = await fetch(`${base}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(who),
  });
  const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith("sb_session=")).split(";")[0];
  return async (path, { method = "GET", body } = {}) => {
    const response = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { "content-type": "application/json", cookie },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
}

// axe-core on the page (or only inside `within`, a selector): no serious or critical violation.
export async function expectAccessible(page, screen, within) {
  let axe = new AxeBuilder({ page });
  if (within) axe = axe.include(within);
  const results = await axe.analyze();
  const bad = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(bad, `${screen} at ${page.viewportSize().width} px`).toEqual([]);
}
