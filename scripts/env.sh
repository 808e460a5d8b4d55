# Shared environment for Switchboard's scripts. Source it; it changes nothing on disk.
# Everything reaches only the package registries: downloads, update checks and telemetry are off.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

# npm's tools first: Node 22 (wrangler needs it), wasm-opt 132, wrangler, Playwright.
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export WRANGLER_HIDE_BANNER=true
export DO_NOT_TRACK=1
export TRUNK_SKIP_VERSION_CHECK=true
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PLAYWRIGHT_BROWSERS_PATH=0
export NO_UPDATE_NOTIFIER=1
export NPM_CONFIG_UPDATE_NOTIFIER=false

# worker-build fetches wasm-bindgen, wasm-opt and esbuild unless told where they are.
WASM_BINDGEN_BIN="$(command -v wasm-bindgen || true)"
export WASM_BINDGEN_BIN
export WASM_OPT_BIN="$ROOT/node_modules/binaryen/bin/wasm-opt"
export ESBUILD_BIN="$ROOT/node_modules/@esbuild/linux-x64/bin/esbuild"

# A panic's message names the file it comes from. In the WASM we ship, that name starts at the
# crate ("reactive_graph-0.2.16/src/…"), not at the folders of the machine that built it; it is
# also shorter. Cargo adds these to the wasm32 flags of .cargo/config.toml.
registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--remap-path-prefix=$registry/= --remap-path-prefix=$registry/index.crates.io-1949cf8c6b5b557f/="
unset registry

export CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

# The version of wasm-bindgen that Cargo.lock pins; the CLI must match it exactly.
wasm_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' \
        "$ROOT/Cargo.lock"
}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# A free TCP port on the loopback interface.
free_port() {
    node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Waits until $1 answers 200, for at most $2 seconds.
wait_for() {
    local url="$1" limit="$2" waited=0
    until curl -fsS -o /dev/null "$url" 2>/dev/null; do
        if ((waited >= limit * 10)); then
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
}
