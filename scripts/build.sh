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
node scripts/headers.mjs dist

say "building the Worker (worker-build --release)"
(cd worker && worker-build --release)

say "WASM sizes"
node scripts/sizes.mjs app="$(ls dist/*.wasm)" worker=worker/build/index_bg.wasm
