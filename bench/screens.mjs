// What each screen of the console costs in the app's WASM: the code of the functions named in
// its module (its components, their closures and what they call of their own), read from the
// names the compiler leaves in the WASM before wasm-opt strips them. Code the screens share
// (Leptos, serde, `domain`, the app's state and API) is listed on its own lines, so the table
// adds up to the whole. Each line's share of the code is also given as its share of the
// shipped files (the shell's and the screens' since the WASM is split), brotli: an estimate,
// since compression does not divide exactly. A screen's
// line is a floor: Leptos's generic code made for a screen's view types is named after
// Leptos (the names the compiler keeps drop the type arguments), so it counts there.
//
//   node bench/screens.mjs target/wasm32-unknown-unknown/release/switchboard-app.wasm dist/*.wasm
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants } from "node:zlib";

const [named, ...shipped] = process.argv.slice(2);
if (!named || shipped.length === 0) {
  console.error("usage: node bench/screens.mjs <wasm with names> <shipped wasm>...");
  process.exit(2);
}

/** The body size of every defined function, and every function's name. */
function functions(bytes) {
  let at = 8;
  const leb = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++];
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) return result;
    }
  };
  const text = () => {
    const length = leb();
    const value = new TextDecoder().decode(bytes.subarray(at, at + length));
    at += length;
    return value;
  };
  let imported = 0;
  const sizes = [];
  const names = new Map();
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    const end = at + size;
    if (id === 2) {
      // Imports: functions among them take the first indices.
      for (let n = leb(); n > 0; n--) {
        text();
        text();
        const kind = bytes[at++];
        if (kind === 0) {
          leb();
          imported++;
        } else if (kind === 1) {
          at++;
          const flags = leb();
          leb();
          if (flags & 1) leb();
        } else if (kind === 2) {
          const flags = leb();
          leb();
          if (flags & 1) leb();
        } else if (kind === 3) {
          at += 2;
        } else {
          leb();
          leb();
        }
      }
    } else if (id === 10) {
      for (let n = leb(); n > 0; n--) {
        const body = leb();
        sizes.push(body);
        at += body;
      }
    } else if (id === 0 && text() === "name") {
      while (at < end) {
        const sub = bytes[at++];
        const subSize = leb();
        const subEnd = at + subSize;
        if (sub === 1) {
          for (let n = leb(); n > 0; n--) {
            const index = leb();
            names.set(index, text());
          }
        }
        at = subEnd;
      }
    }
    at = end;
  }
  return sizes.map((size, i) => ({ size, name: names.get(imported + i) ?? "" }));
}

/** The path of a Rust symbol (legacy mangling), `_ZN3app5pages6person4ViewE` → app::pages::person::View. */
function path(symbol) {
  if (!symbol.startsWith("_ZN")) return symbol;
  const parts = [];
  let at = 3;
  while (at < symbol.length && symbol[at] !== "E") {
    let digits = "";
    while (/[0-9]/.test(symbol[at])) digits += symbol[at++];
    if (!digits) break;
    parts.push(symbol.slice(at, at + Number(digits)));
    at += Number(digits);
  }
  return parts.join("::");
}

/** Which line of the table a function's code counts towards: a screen's when its path is in the
 * screen's module, or when it is generic code made for one of the screen's types; otherwise the
 * first crate its name mentions. */
function owner(name) {
  const plain = name.replaceAll("..", "::");
  const screen = plain.match(/app::(pages|components)::([a-z_]+)/);
  if (screen) return `${screen[1] === "pages" ? "screen" : "part"}: ${screen[2]}`;
  const crates = [
    [/\bapp::/, "app: state, store, API, reach"],
    [/\bdomain::/, "domain (rules, types, sync)"],
    [/\b(leptos|tachys|reactive_graph|leptos_router|any_spawner|send_wrapper|throw_error|or_poisoned|either_of|oco_ref|guardian|slotmap)\w*::/, "Leptos and its router"],
    [/\bserde\w*::/, "serde and serde_json"],
    [/\b(js_sys|web_sys|wasm_bindgen|gloo\w*|indexed_db_futures)::/, "browser bindings"],
    [/\b(core|alloc|std|hashbrown|dlmalloc|compiler_builtins)::/, "Rust's standard library"],
  ];
  let first = null;
  for (const [pattern, line] of crates) {
    const found = plain.search(pattern);
    if (found >= 0 && (first === null || found < first[0])) first = [found, line];
  }
  if (first) return first[1];
  // The standard library comes compiled, its names in the newer mangling (`_R…`).
  if (/^_R/.test(name)) return "Rust's standard library";
  return "other crates (futures, indexmap, …)";
}

const bytes = readFileSync(named);
const debug = process.env.SCREENS_DEBUG;
const table = new Map();
let total = 0;
for (const { size, name } of functions(bytes)) {
  // wasm-bindgen runs these to learn the types, then removes them: they never ship.
  if (name.startsWith("__wbindgen_describe")) continue;
  const line = owner(path(name));
  if (debug && line === debug) console.log(size, name.slice(0, 160));
  table.set(line, (table.get(line) ?? 0) + size);
  total += size;
}
const brotli = shipped
  .map((file) => brotliCompressSync(readFileSync(file), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length)
  .reduce((sum, size) => sum + size, 0);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`code before wasm-opt: ${kb(total)}; shipped WASM (${shipped.length} files), brotli: ${kb(brotli)}`);
console.log(`${"".padEnd(52)}${"code".padStart(10)}${"share".padStart(8)}${"≈ brotli".padStart(12)}`);
for (const [line, size] of [...table].sort((a, b) => b[1] - a[1])) {
  const share = size / total;
  console.log(
    `${line.padEnd(52)}${kb(size).padStart(10)}${`${(share * 100).toFixed(1)}%`.padStart(8)}${kb(share * brotli).padStart(12)}`,
  );
}
