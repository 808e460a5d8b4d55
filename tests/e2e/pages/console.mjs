// Page object for the console: what a person sees and does, by data-testid.
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
