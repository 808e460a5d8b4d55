// The console's own figures, in headless Chromium against the Worker under `wrangler dev`
// (started by scripts/bench.sh with the demo agencies and the 10,000-person agency seeded):
//   - the first load: the WASM and JS a browser fetches before the console can run, brotli,
//     beside the 300 KB budget;
//   - signed in with an empty cache, the demo agency's People list painted (from the click on
//     "Sign in" to the first row on screen), beside the sign-in request alone; then the same
//     with the CPU slowed 4x, as on a phone;
//   - a keystroke in the People search with 10,000 people loaded, from the input event to the
//     frame that shows its answer, beside the 16 ms of one frame.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";
import { chromium } from "@playwright/test";

const base = process.env.SWITCHBOARD_URL;
if (!base) throw new Error("SWITCHBOARD_URL is not set: run this through scripts/bench.sh");
const dist = process.env.SWITCHBOARD_DIST ?? "dist";
const PASSWORD = "Switchboard-demo1";
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});

// 1. What a first load fetches: the WASM and JS files the page asks for, from an empty cache,
// until the sign-in page is ready, and then until the People list is painted; each file's
// size is its brotli size in dist (wrangler dev sends them uncompressed). The service worker's
// own fetches (it keeps every screen's file for offline use, after the page is up) are not the
// page's and are not counted.
const brotli = (file) =>
  brotliCompressSync(readFileSync(join(dist, file)), {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
{
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const fetched = [];
  page.on("request", (request) => {
    const file = new URL(request.url()).pathname.slice(1);
    if (/\.(wasm|js)$/.test(file) && file !== "sw.js" && !fetched.includes(file)) fetched.push(file);
  });
  await page.goto(`${base}/`);
  await page.getByTestId("email").waitFor();
  const signInPage = [...fetched];
  await page.getByTestId("email").fill("admin@brightline.example");
  await page.getByTestId("password").fill(PASSWORD);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("user-row").first().waitFor();
  const sum = (files) => files.reduce((total, file) => total + brotli(file), 0);
  for (const file of fetched) console.log(`first load   ${file.padEnd(52)} ${kb(brotli(file)).padStart(9)} brotli`);
  const shell = sum(signInPage);
  const people = sum(fetched);
  console.log(
    `first load   to the sign-in page, ${signInPage.length} files: ${kb(shell)} brotli ` +
      `(budget 300 KB: ${(shell / 1024 / 300).toFixed(2)}x)`,
  );
  console.log(
    `first load   signed in, to the People list painted, ${fetched.length} files: ${kb(people)} brotli ` +
      `(budget 300 KB: ${(people / 1024 / 300).toFixed(2)}x)`,
  );
  await context.close();
}

// What each screen adds the first time it opens: its own file and the chunks it shares with
// other screens, read from the split loader, beside the whole console (every file) and what
// the build without splitting shipped (scripts/sizes.mjs keeps that figure).
{
  const [loader] = readdirSync(dist).filter((f) => f.endsWith("-split.js"));
  const text = readFileSync(join(dist, loader), "utf8");
  const entries = [
    ...text.matchAll(/const (__chunk_\d+|__wasm_split_load_\w+) = (?:wrapAsyncCb\()?makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([\w.-]+)"[\s\S]*?\n, \[([^\]]*)\]\)/g),
  ].map(([, name, file, deps]) => [name, { file, deps: deps.split(",").map((d) => d.trim()).filter(Boolean) }]);
  const loaders = new Map(entries);
  const every = readdirSync(dist).filter((f) => /\.(wasm|js)$/.test(f) && f !== "sw.js");
  console.log(`screens      the whole console, every file: ${kb(every.reduce((t, f) => t + brotli(f), 0))} brotli`);
  for (const [name, { file, deps }] of loaders) {
    if (!name.startsWith("__wasm_split_load_")) continue;
    const needed = new Set([file]);
    const visit = (dep) => {
      const chunk = loaders.get(dep);
      if (!chunk || needed.has(chunk.file)) return;
      needed.add(chunk.file);
      chunk.deps.forEach(visit);
    };
    deps.forEach(visit);
    const screen = name.replace(/^__wasm_split_load_+/, "").replace(/_\d+$/, "").replaceAll("_", " ");
    console.log(
      `screens      ${screen.padEnd(16)} ${kb(brotli(file)).padStart(9)} its own, ` +
        `${kb([...needed].reduce((t, f) => t + brotli(f), 0)).padStart(9)} with its chunks (${needed.size} files)`,
    );
  }
}

// 2. Signed in with an empty cache: the list painted.
async function listPainted(throttle) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await page.goto(`${base}/`);
  await page.getByTestId("email").fill("admin@brightline.example");
  await page.getByTestId("password").fill(PASSWORD);
  if (throttle > 1) await cdp.send("Emulation.setCPUThrottlingRate", { rate: throttle });
  // The sign-in request alone, from the page, as the floor.
  const signInOnly = await page.evaluate(async (password) => {
    const t0 = performance.now();
    await fetch("/api/v1/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@brightline.example", password }),
      credentials: "omit",
    });
    return performance.now() - t0;
  }, PASSWORD);
  await page.evaluate(() => {
    window.__painted = new Promise((resolve) => {
      document.querySelector("[data-testid=sign-in]").addEventListener("click", () => {
        const start = performance.now();
        const look = () =>
          document.querySelector("[data-testid=user-row]")
            ? requestAnimationFrame(() => resolve(performance.now() - start))
            : requestAnimationFrame(look);
        look();
      });
    });
  });
  await page.getByTestId("sign-in").click();
  const painted = await page.evaluate(() => window.__painted);
  await context.close();
  return { painted, signInOnly };
}

for (const throttle of [1, 4]) {
  const runs = [];
  for (let i = 0; i < 5; i++) runs.push(await listPainted(throttle));
  const painted = median(runs.map((r) => r.painted));
  const floor = median(runs.map((r) => r.signInOnly));
  console.log(
    `empty cache  demo list painted, CPU ${throttle}x: ${ms(painted)} (target 500 ms: ` +
      `${(painted / 500).toFixed(2)}x); the sign-in request alone ${ms(floor)} ` +
      `(${(painted / floor).toFixed(2)}x it)`,
  );
}

// 3. A keystroke in the search, 10,000 people loaded.
{
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.getByTestId("email").fill("person0@ag-large10k.example");
  await page.getByTestId("password").fill(PASSWORD);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("user-count").filter({ hasText: /^10000 people$/ }).waitFor({ timeout: 120_000 });
  const typed = await keystrokes(page, "user-search", ["person 9", "agent", "suspended", "account 7"]);
  const p50 = median(typed);
  const worst = Math.max(...typed);
  console.log(
    `search       keystroke at 10,000 people, to its frame: p50 ${ms(p50)}, worst ${ms(worst)} ` +
      `of ${typed.length} (one frame is 16.7 ms: p50 ${(p50 / 16.7).toFixed(2)}x)`,
  );

  // 4. The Accounts screen at 1,000 nodes: opened from the menu until every row is drawn, beside
  // the People screen opened the same way; then a keystroke in its filter, to its frame.
  const opened = async (nav, rows, count) => {
    const times = [];
    for (let i = 0; i < 5; i++) {
      await page.getByTestId("nav-account").click();
      await page.getByTestId("profile").waitFor();
      const t0 = Date.now();
      await page.getByTestId(nav).click();
      await page.waitForFunction(
        ([testid, n]) => document.querySelectorAll(`[data-testid=${testid}]`).length >= n,
        [rows, count],
        { timeout: 60_000 },
      );
      times.push(Date.now() - t0);
    }
    return median(times);
  };
  const tree = await opened("nav-accounts", "tree-row", 1000);
  const people = await opened("nav-people", "user-row", 10);
  await opened("nav-accounts", "tree-row", 1000);
  const filtered = await keystrokes(page, "node-filter", ["node 7", "node 42", "location"]);
  console.log(
    `accounts     1,000 nodes drawn after opening the screen: ${ms(tree)} ` +
      `(the People screen opened the same way: ${ms(people)}, ${(tree / people).toFixed(2)}x it)`,
  );
  console.log(
    `accounts     a keystroke in the filter at 1,000 nodes, to its frame: p50 ${ms(median(filtered))}, ` +
      `worst ${ms(Math.max(...filtered))} of ${filtered.length} (one frame is 16.7 ms)`,
  );
  await context.close();
}
await browser.close();

// Types each word a letter at a time into the box with this test id, as a person types, and
// clears it after each word: the time from each keystroke to the frame that shows it.
async function keystrokes(page, testid, words) {
  return page.evaluate(
    async ([testid, words]) => {
      const input = document.querySelector(`[data-testid=${testid}]`);
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
      const times = [];
      for (const word of words) {
        for (let i = 1; i <= word.length; i++) {
          await frame();
          const t0 = performance.now();
          input.value = word.slice(0, i);
          input.dispatchEvent(new Event("input", { bubbles: true }));
          await new Promise((r) => requestAnimationFrame(r));
          times.push(performance.now() - t0);
        }
        input.value = "";
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }
      return times;
    },
    [testid, words],
  );
}
