// Splits the console's WASM so that a first load fetches only what every screen needs, and
// each screen's own code comes when it first opens. Run after `trunk build --release`.
//
// Each group of screens is a `#[lazy]` function (app/src/pages/shell.rs; the pages a mailed
// link opens, in app/src/pages/app.rs). The app's binary links with `--emit-relocs`
// (app/build.rs) so that wasm-split can move the code only one group reaches into a file of
// its own, and code that several groups share but the shell does not into chunks they load
// first. Trunk's own WASM step is replaced:
//   wasm-split → wasm-bindgen (of the main module) → short import names → wasm-opt -Oz (of every file)
// and its files are rewritten in place, under the names (and with the integrity hashes) that
// index.html gives them. The split files take the hashed name of the main module as a prefix,
// so that a new build never meets an old file in a cache.
//
// Usage: node scripts/split.mjs <dist folder> <the linked .wasm from cargo>
import { createHash } from "node:crypto";
import { execFile, execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { promisify } from "node:util";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const [dist = "dist", linked] = process.argv.slice(2);
if (!linked) {
  console.error("usage: node scripts/split.mjs <dist folder> <the linked .wasm from cargo>");
  process.exit(2);
}
const run = (tool, args) => execFileSync(tool, args, { stdio: ["ignore", "inherit", "inherit"] });

const html = readFileSync(join(dist, "index.html"), "utf8");
const main = html.match(/from '\/([\w-]+)\.js'/)?.[1];
if (!main || !html.includes(`'/${main}_bg.wasm'`)) {
  console.error("index.html does not load the app the way Trunk writes it");
  process.exit(1);
}

const work = join(dirname(linked), "split");
rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, "split"), { recursive: true });
mkdirSync(join(work, "bound"), { recursive: true });

// 1. The main module, the screens' files and their shared chunks, and the loader between them.
run("wasm-split-cli", ["--target", "web", "--out-name", main, linked, join(work, "split")]);

// The screens' files are named after their group (`split_people_screens_<n>.wasm` →
// `<main>-people-screens.wasm`), the chunks they share keep their number.
const renamed = new Map();
for (const file of readdirSync(join(work, "split"))) {
  const screen = file.match(/^split_+(\w+?)_\d+\.wasm$/);
  const chunk = file.match(/^(chunk_\d+)\.wasm$/);
  if (screen) renamed.set(file, `${main}-${screen[1].replaceAll("_", "-")}.wasm`);
  else if (chunk) renamed.set(file, `${main}-${chunk[1].replace("_", "-")}.wasm`);
}
const loaderName = `${main}-split.js`;
let loader = readFileSync(join(work, "split", "__wasm_split.js"), "utf8");
loader = loader.replace(/new URL\("\.\/([\w.-]+\.wasm)"/g, (whole, file) => {
  if (!renamed.has(file)) throw new Error(`the loader names ${file}, which wasm-split did not write`);
  return `new URL("./${renamed.get(file)}"`;
});
writeFileSync(join(dist, loaderName), loader);

// 2. wasm-bindgen of the main module; it keeps the exports the split files link against.
run("wasm-bindgen", [
  "--target", "web", "--no-typescript", "--keep-lld-exports", "--no-demangle",
  "--out-dir", join(work, "bound"), "--out-name", main, join(work, "split", `${main}.wasm`),
]);
let glue = readFileSync(join(work, "bound", `${main}.js`), "utf8").replaceAll(
  `from "./__wasm_split.js"`,
  `from "./${loaderName}"`,
);
if (glue.includes(`from "./__wasm_split.js"`)) throw new Error("the bindings still import __wasm_split.js");
glue = shortenImports(join(work, "bound", `${main}_bg.wasm`), glue, `./${main}_bg.js`);
writeFileSync(join(dist, `${main}.js`), glue);

// 3. wasm-opt -Oz of every WASM file, into dist.
const features = [
  "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
  "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue",
];
const jobs = [
  [join(work, "bound", `${main}_bg.wasm`), join(dist, `${main}_bg.wasm`)],
  ...[...renamed].map(([file, name]) => [join(work, "split", file), join(dist, name)]),
];
const optimise = promisify(execFile);
await Promise.all(
  Array.from({ length: availableParallelism() }, async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      await optimise("wasm-opt", ["-Oz", ...features, job[0], "-o", job[1]]);
    }
  }),
);

// 4. index.html: the integrity of the rewritten files, and the loader fetched beside them.
const integrity = (file) =>
  `sha384-${createHash("sha384").update(readFileSync(join(dist, file))).digest("base64")}`;
let page = html.replace(
  /(<link rel="(?:modulepreload|preload)" href="\/([\w.-]+)"[^>]*integrity=")[^"]+"/g,
  (whole, head, file) => `${head}${integrity(file)}"`,
);
page = page.replace(
  "</head>",
  `<link rel="modulepreload" href="/${loaderName}" crossorigin="anonymous" integrity="${integrity(loaderName)}"></head>`,
);
writeFileSync(join(dist, "index.html"), page);
console.log(`split ${main}: ${renamed.size} files beside the main module`);

// The main module imports each of its JavaScript functions under a name that wasm-bindgen makes
// unique with a hash (`__wbg_body_5f971cbc6950ca4f`), from a module named after the glue file;
// the WASM and the glue both carry every name, and hashes do not compress. They are renamed to
// short names (`x0`, `x1`, …, from a module `w`), in the WASM's import section and in the
// glue's object of imports alike; a name not found exactly once in the glue stops the build.
function shortenImports(wasmFile, glue, module) {
  const bytes = readFileSync(wasmFile);
  let at = 8;
  const leb = () => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  const encodeLeb = (value) => {
    const out = [];
    do {
      let byte = value % 128;
      value = Math.floor(value / 128);
      if (value) byte |= 0x80;
      out.push(byte);
    } while (value);
    return Buffer.from(out);
  };
  const name = () => {
    const length = leb();
    at += length;
    return bytes.toString("utf8", at - length, at);
  };
  const encodeName = (text) => Buffer.concat([encodeLeb(Buffer.byteLength(text)), Buffer.from(text)]);
  const limits = () => {
    const flags = bytes[at++];
    leb();
    if (flags & 1) leb();
  };
  while (at < bytes.length) {
    const sectionStart = at;
    const id = bytes[at++];
    const size = leb();
    const start = at;
    if (id !== 2) {
      at = start + size;
      continue;
    }
    const count = leb();
    const parts = [encodeLeb(count)];
    const renamed = new Map();
    for (let i = 0; i < count; i++) {
      const from = name();
      const field = name();
      const descStart = at;
      const kind = bytes[at++];
      if (kind === 0) leb(); // a function: its type
      else if (kind === 1) (at++, limits()); // a table: its element type and limits
      else if (kind === 2) limits(); // a memory
      else if (kind === 3) at += 2; // a global: its type and mutability
      else if (kind === 4) (at++, leb()); // a tag: its attribute and type
      else throw new Error(`an import of a kind this build does not know: ${kind}`);
      const desc = bytes.subarray(descStart, at);
      if (from === module) {
        const to = `x${renamed.size.toString(36)}`;
        renamed.set(field, to);
        parts.push(encodeName("w"), encodeName(to), desc);
      } else {
        parts.push(encodeName(from), encodeName(field), desc);
      }
    }
    if (at !== start + size) throw new Error("the import section was not read to its end");
    for (const [field, to] of renamed) {
      const found = glue.split(`${field}:`).length - 1;
      const key = new RegExp(`^(\\s+)${field}:`, "m");
      if (found !== 1 || !key.test(glue)) throw new Error(`the glue names the import ${field} ${found} times`);
      glue = glue.replace(key, `$1${to}:`);
    }
    const moduleKey = `${JSON.stringify(module)}: import0,`;
    if (!glue.includes(moduleKey)) throw new Error(`the glue does not import ${module} as import0`);
    glue = glue.replace(moduleKey, `"w": import0,`);
    const section = Buffer.concat(parts);
    writeFileSync(
      wasmFile,
      Buffer.concat([
        bytes.subarray(0, sectionStart),
        Buffer.from([2]),
        encodeLeb(section.length),
        section,
        bytes.subarray(start + size),
      ]),
    );
    return glue;
  }
  throw new Error("the main module has no import section");
}
