// Prints the size of each WASM file given: raw, gzip (level 9) and brotli (quality 11).
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
for (const [label, file] of process.argv.slice(2).map((arg) => arg.split("="))) {
  const raw = readFileSync(file);
  const gzip = gzipSync(raw, { level: 9 }).length;
  const brotli = brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }).length;
  console.log(
    `${label.padEnd(8)} ${basename(file).padEnd(54)} raw ${kb(raw.length).padStart(10)}` +
      `  gzip ${kb(gzip).padStart(9)}  brotli ${kb(brotli).padStart(9)}`,
  );
}
