// Playwright drives Debian's Chromium against the Worker that the test command started.
import { defineConfig } from "@playwright/test";

const baseURL = process.env.SWITCHBOARD_URL;
if (!baseURL) {
  throw new Error("SWITCHBOARD_URL is not set: run the browser tests through the test command");
}

export default defineConfig({
  testDir: ".",
  testMatch: "*.spec.mjs",
  outputDir: "../../target/playwright",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: [["list"]],
  use: {
    baseURL,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_BIN || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
