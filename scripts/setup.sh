#!/usr/bin/env bash
# Installs what building, serving and testing Switchboard needs, from the package registries
# only, skipping whatever is already there at the right version.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

TRUNK_VERSION=0.21.14
WORKER_BUILD_VERSION=0.8.7
# wasm-split, which scripts/split.mjs runs: the CLI of the crate whose runtime Leptos's `#[lazy]`
# links (wasm_split_helpers 0.2 in Cargo.lock).
WASM_SPLIT_VERSION=0.2.4
WASM_BINDGEN_VERSION="$(wasm_bindgen_version)"

# The toolchain and target come from rust-toolchain.toml.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
fi

has_version() { command -v "$1" >/dev/null && "$1" --version 2>/dev/null | grep -qF "$2"; }

if ! has_version trunk "$TRUNK_VERSION"; then
    say "installing trunk $TRUNK_VERSION (several minutes, once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
fi
# Not --locked: that lock pins a crate version the registry no longer serves.
if ! has_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (the version in Cargo.lock)"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi
if ! has_version worker-build "$WORKER_BUILD_VERSION"; then
    say "installing worker-build $WORKER_BUILD_VERSION"
    cargo install worker-build --version "$WORKER_BUILD_VERSION" --locked
fi
if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
    say "installing wasm-split-cli $WASM_SPLIT_VERSION"
    cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked
fi

# wrangler (with workerd), Node 22, wasm-opt and Playwright, as package-lock.json pins them.
# `npm ci` installs exactly what the lock lists and never rewrites it, so a fresh clone stays clean.
if [ ! -x node_modules/.bin/wrangler ] || [ ! -x node_modules/.bin/node ] \
    || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages"
    npm ci --no-fund --no-audit
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v curl >/dev/null \
    || ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    say "installing Chromium, ChromeDriver and Python's venv from Debian"
    apt_get=(apt-get); [ "$(id -u)" -eq 0 ] || apt_get=(sudo apt-get)
    "${apt_get[@]}" update -qq
    DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq \
        chromium chromium-driver curl python3 python3-venv >/dev/null
fi

# Schemathesis, from PyPI, in a virtual environment of its own under target/.
SCHEMATHESIS_VERSION=4.32.5
st="$ROOT/target/schemathesis/bin/st"
if ! { [ -x "$st" ] && "$st" --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION"; }; then
    say "installing Schemathesis $SCHEMATHESIS_VERSION from PyPI"
    rm -rf "$ROOT/target/schemathesis"
    python3 -m venv "$ROOT/target/schemathesis"
    "$ROOT/target/schemathesis/bin/pip" install --quiet --disable-pip-version-check \
        "schemathesis==$SCHEMATHESIS_VERSION"
fi

WASM_BINDGEN_BIN="$(command -v wasm-bindgen)"
export WASM_BINDGEN_BIN
say "tools ready: $(trunk --version), wasm-bindgen $WASM_BINDGEN_VERSION, $(worker-build --version 2>&1 | head -1), node $(node --version), wrangler $(wrangler --version 2>/dev/null | tail -1), $(chromium --version), $("$st" --version)"
