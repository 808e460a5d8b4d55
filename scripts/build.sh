#!/usr/bin/env bash
# Release builds of the app (Trunk → dist/) and the Worker (worker-build → worker/build/),
# then the WASM sizes. Run scripts/setup.sh first (start.sh and test.sh do).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

SWITCHBOARD_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo dev)"
export SWITCHBOARD_COMMIT

say "building the app (trunk build --release)"
trunk build --release --dist dist
say "splitting the app's WASM: the shell, and its screens in files loaded when they open"
node scripts/split.mjs dist "${CARGO_TARGET_DIR:-$ROOT/target}/wasm32-unknown-unknown/release/switchboard-app.wasm"
node scripts/headers.mjs dist

say "building the Worker (worker-build --release)"
(cd worker && worker-build --release)

say "WASM sizes"
# The shell (what every first load fetches), each group of screens, the pages a link opens, the
# Worker.
node scripts/sizes.mjs shell="$(ls dist/*_bg.wasm)" \
    $(for file in dist/*-screens.wasm; do echo "screens=$file"; done) \
    links="$(ls dist/*-link-pages.wasm)" worker=worker/build/index_bg.wasm
