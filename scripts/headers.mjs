// Writes dist/_headers: the security headers of every answer that serves the console, which
// Workers Static Assets apply (locally under `wrangler dev` as when deployed). Scripts run only
// from this origin, and the one inline script Trunk writes (the WASM loader) by its SHA-256;
// WebAssembly compiles under 'wasm-unsafe-eval', nothing else is allowed to evaluate code.
// Usage: node scripts/headers.mjs <dist folder>
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dist = process.argv[2] ?? "dist";
const html = readFileSync(join(dist, "index.html"), "utf8");
const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
  (match) => `'sha256-${createHash("sha256").update(match[1], "utf8").digest("base64")}'`,
);
if (inline.length !== 1) {
  console.error(`expected exactly one inline script (the WASM loader) in index.html, found ${inline.length}`);
  process.exit(1);
}
const policy = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${inline.join(" ")}`,
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");
const headers = `/*
  Content-Security-Policy: ${policy}
  X-Content-Type-Options: nosniff
  X-Frame-Options: DENY
  Referrer-Policy: no-referrer
  Strict-Transport-Security: max-age=63072000; includeSubDomains
  Permissions-Policy: camera=(), microphone=(), geolocation=(), payment=()
  Cross-Origin-Opener-Policy: same-origin
`;
writeFileSync(join(dist, "_headers"), headers);
console.log(`dist/_headers: ${inline.length} inline script allowed by hash`);
