// The offline sync benchmark, in headless Chromium against the Worker under `wrangler dev`
// (started by scripts/bench.sh with agencies of 1,000 and 10,000 people seeded):
//   - the first sync of the 10,000-person agency (50,000 grants) into IndexedDB, from signing
//     in until the user list is painted, beside a raw IndexedDB bulk write of the same rows in
//     the same page (the floor);
//   - the bytes of an incremental pull of 10 changes, at 1,000 and at 10,000 people;
//   - the page's memory once the 10,000 are loaded: WASM linear memory plus the JS heap, read
//     through Chromium's DevTools protocol.
import { chromium } from "@playwright/test";

const base = process.env.SWITCHBOARD_URL;
if (!base) throw new Error("SWITCHBOARD_URL is not set: run this through scripts/bench.sh");
const PASSWORD = "Switchboard-demo1";
const admin = (id) => `person0@${id.replace("_", "-")}.example`;

async function signIn(email) {
  const response = await fetch(`${base}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`sign-in of ${email}: ${response.status}`);
  return response.headers.get("set-cookie").split(";")[0];
}

async function get(cookie, path) {
  const response = await fetch(`${base}${path}`, { headers: { cookie } });
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response;
}

// A whole reset pull: the version and reach to pull from, and the rows.
async function fullPull(cookie) {
  let after = null;
  let first = null;
  const rows = [];
  for (;;) {
    const query = after ? `since=0&after=${after}` : "since=0";
    const page = await (await get(cookie, `/api/v1/sync/pull?${query}`)).json();
    first ??= page;
    rows.push(...page.upserts);
    if (!page.next) return { version: first.version, reach: first.reach, rows };
    after = page.next;
  }
}

async function post(cookie, path) {
  const response = await fetch(`${base}${path}`, { method: "POST", headers: { cookie } });
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
}

// Bytes of a pull that brings 10 changes to someone who holds the whole agency.
async function incrementBytes(agency) {
  const cookie = await signIn(admin(agency));
  const { version, reach, rows } = await fullPull(cookie);
  const changed = rows.filter((u) => u.state === "active" && !u.email.startsWith("person0@")).slice(0, 10);
  for (const user of changed) await post(cookie, `/api/v1/users/${user.id}/suspend`);
  const text = await (await get(cookie, `/api/v1/sync/pull?since=${version}&reach=${reach}`)).text();
  const pulled = JSON.parse(text);
  for (const user of changed) await post(cookie, `/api/v1/users/${user.id}/unsuspend`);
  if (pulled.reset || pulled.upserts.length !== 10) {
    throw new Error(`expected 10 changed rows, got ${pulled.upserts.length} (reset: ${pulled.reset})`);
  }
  return { people: rows.length, bytes: Buffer.byteLength(text) };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
});
try {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    addEventListener("TrunkApplicationStarted", (event) => {
      window.__wasm = event.detail.wasm;
    });
    // In the page's own clock: the frame in which the full list first shows.
    window.__painted = null;
    new MutationObserver(() => {
      const count = document.querySelector('[data-testid="user-count"]');
      if (window.__painted === null && count?.textContent === "10000 people" && document.querySelector('[data-testid="user-row"]')) {
        window.__painted = 0;
        requestAnimationFrame(() => (window.__painted = performance.now()));
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto("/");
  await page.getByTestId("email").fill(admin("ag_large10k"));
  await page.getByTestId("password").fill(PASSWORD);
  await page.getByTestId("sign-in").click();
  // "Up to date" shows once the rows are saved in IndexedDB too.
  await page.getByTestId("user-count").filter({ hasText: "10000 people" }).waitFor({ timeout: 180_000 });
  await page.getByTestId("sync-state").filter({ hasText: "Up to date" }).waitFor({ timeout: 60_000 });
  const stored = await page.evaluate(() => performance.now());
  await page.waitForFunction(() => window.__painted > 0);
  // From the end of the sign-in answer, in the page's clock.
  const signedIn = await page.evaluate(
    () => performance.getEntriesByType("resource").find((e) => e.name.endsWith("/api/v1/session")).responseEnd,
  );
  const firstSync = Math.round((await page.evaluate(() => window.__painted)) - signedIn);
  const savedBy = Math.round(stored - signedIn);

  // The floor: the same rows written to a fresh database in one transaction, in this page.
  const floor = await page.evaluate(async () => {
    const request = (r) => new Promise((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
    const saved = await request(indexedDB.open("switchboard"));
    const rows = await request(saved.transaction("users").objectStore("users").getAll());
    saved.close();
    const open = indexedDB.open(`bench-floor-${Date.now()}`, 1);
    open.onupgradeneeded = () => open.result.createObjectStore("users", { keyPath: "id" });
    const db = await request(open);
    const started = performance.now();
    const tx = db.transaction("users", "readwrite");
    const store = tx.objectStore("users");
    for (const row of rows) store.put(row);
    await new Promise((resolve, reject) => ((tx.oncomplete = resolve), (tx.onerror = () => reject(tx.error))));
    const elapsed = performance.now() - started;
    db.close();
    return { rows: rows.length, ms: elapsed };
  });

  const cdp = await context.newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  const heap = await cdp.send("Runtime.getHeapUsage");
  const wasmBytes = await page.evaluate(() => window.__wasm?.memory?.buffer?.byteLength ?? 0);
  await page.screenshot({ path: "target/bench-sync-10k.png" });

  const small = await incrementBytes("ag_large1k");
  const large = await incrementBytes("ag_large10k");

  const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
  const total = wasmBytes + heap.usedSize;
  console.log("sync benchmark, headless Chromium against wrangler dev");
  console.log(`first sync of ${floor.rows.toLocaleString("en")} people (50,000 grants) until painted: ${firstSync} ms`);
  console.log(`  floor, a raw IndexedDB write of the same rows: ${floor.ms.toFixed(0)} ms`);
  console.log(`  ratio: ${(firstSync / floor.ms).toFixed(2)}x (target: <= 1 s and <= 1.5x)`);
  console.log(`  saved in IndexedDB as well ("Up to date") by: ${savedBy} ms (${(savedBy / floor.ms).toFixed(2)}x the floor)`);
  console.log(`incremental pull of 10 changes: ${small.bytes.toLocaleString("en")} bytes at ${small.people.toLocaleString("en")} people, ` +
    `${large.bytes.toLocaleString("en")} bytes at ${large.people.toLocaleString("en")} people (${(large.bytes / small.bytes).toFixed(2)}x)`);
  console.log(`memory with 10,000 people loaded: ${mb(total)} MB = WASM ${mb(wasmBytes)} MB + JS heap ${mb(heap.usedSize)} MB (target: <= 40 MB)`);
} finally {
  await browser.close();
}
