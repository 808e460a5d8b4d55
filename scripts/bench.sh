#!/usr/bin/env bash
# Runs every benchmark and prints each figure beside its reference, measured in the same run.
#   access: `can` against Cedar and casbin on 10,000 users, and the snapshot build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

say "access engine: Switchboard vs Cedar vs casbin (cargo bench -p switchboard-bench)"
cargo bench --locked -p switchboard-bench --bench access
