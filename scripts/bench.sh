#!/usr/bin/env bash
# Runs every benchmark and prints each figure beside its reference, measured in the same run.
#   access: `can` against Cedar and casbin on 10,000 users, and the snapshot build.
#   load:   the Worker under `wrangler dev` with agencies of 1,000 and 10,000 users: a page of
#           users, one user, a grant change, and the audit log's newest page and the next of
#           100,000 entries, beside the Worker's no-op route (at most 30 s, loopback only), with
#           D1 round trips and rows read per request.
#   check:  the platform's `POST /check` of 1,000 questions about the agency of 10,000 people
#           and `GET /filter` over its 1,000 nodes, with a service token, beside the no-op route.
#   addresses: sign-in, the forgotten-password mail and an invitation for an address that has
#           an account and one that has none, interleaved: the medians side by side.
#   sync:   in headless Chromium, the first sync of 10,000 people into IndexedDB until the list
#           is painted beside a raw IndexedDB write of the same rows; the bytes of a pull of 10
#           changes at 1,000 and 10,000 people; the page's memory (WASM + JS heap).
#   import: 10,000 lines of a file checked (dry run) and saved by `POST /users/import`, beside
#           the same number of single adds, and the Worker's no-op route; last, since it adds
#           20,000 people to the agency of 1,000.
#   console: the first load's WASM and JS (brotli) beside the 300 KB budget; the demo agency's
#           People list painted after signing in with an empty cache, at full speed and with the
#           CPU slowed 4x, beside the sign-in request alone; a keystroke in the People search at
#           10,000 people beside one frame; and what each screen costs of the WASM.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$ROOT/scripts/db.sh"
cd "$ROOT"

say "access engine: Switchboard vs Cedar vs casbin (cargo bench -p switchboard-bench)"
cargo bench --locked -p switchboard-bench --bench access

say "load: the Worker under wrangler dev, against its own no-op route"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh"
cargo build --locked --release -p switchboard-bench --bin load --bin addresses --bin import --bin check
state_dir="$(mktemp -d)"
server_pgid=""
cleanup() {
    if [ -n "$server_pgid" ]; then
        kill -TERM -- "-$server_pgid" 2>/dev/null || true
        sleep 1
        kill -KILL -- "-$server_pgid" 2>/dev/null || true
    fi
    rm -rf "$state_dir"
}
trap cleanup EXIT
d1_migrate "$state_dir" >/dev/null
# The demo agencies first: `d1_seed_demo` leaves a database that has agencies as it is.
d1_seed_demo "$state_dir"
seed="$(mktemp --suffix=.sql)"
cargo run --quiet --release -p xtask -- seed-large ag_large1k 1000 100 5000 >"$seed"
cargo run --quiet --release -p xtask -- seed-large ag_large10k 10000 1000 50000 >>"$seed"
# 100,000 audit entries for the larger agency, a second apart, for the audit log's pages.
cat >>"$seed" <<'SQL'
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO audit_log (agency_id, at, actor_id, action, target, before, after, actor_name, target_name)
SELECT 'ag_large10k', 1700000000000 + i * 1000, 'ag_large10k_u0', 'email_changed',
       'ag_large10k_u' || (1 + i % 9999),
       json_object('kind', 'address', 'email', 'before' || i || '@ag-large10k.example'),
       json_object('kind', 'address', 'email', 'after' || i || '@ag-large10k.example'),
       'Person 0', 'Person ' || (1 + i % 9999)
FROM n;
SQL
(cd worker && wrangler d1 execute DB --local --persist-to "$state_dir" --file "$seed" >/dev/null)
rm -f "$seed"
port="$(free_port)"
(cd worker && exec setsid wrangler dev --ip 127.0.0.1 --port "$port" --persist-to "$state_dir" \
    --log-level warn --show-interactive-dev-session=false --var ENVIRONMENT:development \
    </dev/null >"$state_dir/wrangler.log" 2>&1) &
server_pgid=$!
wait_for "http://127.0.0.1:$port/api/v1/health" 60 || { cat "$state_dir/wrangler.log"; exit 1; }
SWITCHBOARD_URL="http://127.0.0.1:$port" "$ROOT/target/release/load"

say "the platform: a check of 1,000 questions and a filter, beside the no-op route"
SWITCHBOARD_URL="http://127.0.0.1:$port" "$ROOT/target/release/check"

say "address timing: sign-in, forgotten password and invitation, known address vs unknown"
SWITCHBOARD_URL="http://127.0.0.1:$port" "$ROOT/target/release/addresses"

say "sync: the first sync of 10,000 people in headless Chromium, against a raw IndexedDB write"
SWITCHBOARD_URL="http://127.0.0.1:$port" node "$ROOT/bench/sync.mjs"

say "console: first load, the demo list painted with an empty cache, a search keystroke at 10,000"
SWITCHBOARD_URL="http://127.0.0.1:$port" node "$ROOT/bench/console.mjs"

say "console: what each screen costs in the WASM, from the names the compiler leaves before wasm-opt"
node "$ROOT/bench/screens.mjs" "$ROOT/target/wasm32-unknown-unknown/release/switchboard-app.wasm" "$ROOT"/dist/*.wasm

say "bulk add: 10,000 lines previewed and saved, beside 10,000 single adds"
SWITCHBOARD_URL="http://127.0.0.1:$port" "$ROOT/target/release/import"
