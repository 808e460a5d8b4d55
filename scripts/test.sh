#!/usr/bin/env bash
# Runs every test of Switchboard and exits non-zero if any fails:
#   format, clippy (native and wasm32), native unit tests, wasm-bindgen tests in headless
#   Chromium, release builds with WASM sizes, HTTP tests against `wrangler dev` with a fresh
#   local D1, Playwright tests in Chromium against that same server, and last a proof that the
#   kept-columns check fails when a trigger is dropped.
# Installs what it needs first. A stage that cannot run counts as failed.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$ROOT/scripts/db.sh"
cd "$ROOT"

started=$SECONDS
results=()
failures=0
server_pgid=""
state_dir=""
log_dir="$ROOT/target/test-logs"
mkdir -p "$log_dir"

stop_server() {
    if [ -n "$server_pgid" ]; then
        # wrangler dev runs node, esbuild and two workerd processes: stop the whole group.
        kill -TERM -- "-$server_pgid" 2>/dev/null
        for _ in $(seq 50); do
            kill -0 -- "-$server_pgid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL -- "-$server_pgid" 2>/dev/null
        server_pgid=""
    fi
}

cleanup() {
    stop_server
    [ -n "$state_dir" ] && rm -rf "$state_dir"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

stage() {
    local name="$1" t0=$SECONDS
    shift
    say "$name"
    if "$@"; then
        results+=("  pass  $name ($((SECONDS - t0)) s)")
    else
        results+=("  FAIL  $name ($((SECONDS - t0)) s)")
        failures=$((failures + 1))
    fi
}

tools_ready=false
install_tools() { "$ROOT/scripts/setup.sh" && tools_ready=true; }
needs_tools() { $tools_ready || { echo "the tools did not install; this stage cannot run" >&2; return 1; }; }

# Installing must not change a tracked file (a lock rewritten by npm, say): on a fresh clone the
# tree stays clean. Compared with the tree as it was before, so local edits do not count.
tree_before="$(git status --porcelain --untracked-files=no 2>/dev/null; git diff 2>/dev/null | sha1sum)"
tree_unchanged() {
    needs_tools || return 1
    local after
    after="$(git status --porcelain --untracked-files=no; git diff | sha1sum)"
    [ "$after" = "$tree_before" ] || {
        echo "installing changed tracked files:" >&2
        git status --porcelain --untracked-files=no >&2
        return 1
    }
}
fmt_check() { needs_tools && cargo fmt --all --check; }
clippy_native() { needs_tools && cargo clippy --workspace --all-targets --locked -- -D warnings; }
clippy_wasm() {
    needs_tools && cargo clippy --target wasm32-unknown-unknown --locked --all-targets \
        -p switchboard-domain -p switchboard-app -p switchboard-worker -- -D warnings
}
native_tests() {
    needs_tools && cargo test --workspace --locked --exclude switchboard-tests --exclude switchboard-bench
}
wasm_tests() {
    needs_tools && cargo test --target wasm32-unknown-unknown --locked -p switchboard-app
}

built=false
release_builds() { needs_tools && "$ROOT/scripts/build.sh" && built=true; }

server_url=""
mail_port=""
start_server() {
    $built || { echo "the release builds failed; no server to start" >&2; return 1; }
    state_dir="$(mktemp -d)"
    d1_migrate "$state_dir" >"$log_dir/migrate.log" 2>&1 || { cat "$log_dir/migrate.log"; return 1; }
    d1_seed_demo "$state_dir" || return 1
    d1_seed_matrix "$state_dir" || return 1
    local port
    port="$(free_port)"
    # Mail goes to a stand-in provider the HTTP tests listen for on this port.
    mail_port="$(free_port)"
    (cd "$ROOT/worker" && exec setsid wrangler dev --ip 127.0.0.1 --port "$port" \
        --persist-to "$state_dir" --log-level warn --show-interactive-dev-session=false \
        --var ENVIRONMENT:development --var "MAIL_API_URL:http://127.0.0.1:$mail_port/send" \
        --test-scheduled \
        </dev/null >"$log_dir/wrangler.log" 2>&1) &
    server_pgid=$!
    server_url="http://127.0.0.1:$port"
    if ! wait_for "$server_url/api/v1/health" 60; then
        echo "wrangler dev did not answer within 60 s; its log:" >&2
        cat "$log_dir/wrangler.log" >&2
        return 1
    fi
    echo "wrangler dev is serving on $server_url"
}
needs_server() { [ -n "$server_url" ] || { echo "no server is running; this stage cannot run" >&2; return 1; }; }

http_tests() {
    needs_server && SWITCHBOARD_URL="$server_url" SWITCHBOARD_MAIL_PORT="$mail_port" \
        cargo test --locked -p switchboard-tests -- --show-output
}
browser_tests() {
    needs_server && SWITCHBOARD_URL="$server_url" playwright test --config tests/e2e/playwright.config.mjs
}
# After the browser tests, as it changes the data as it likes (in Northwind only): Schemathesis
# with every check, bounded and deterministic; scripts/schemathesis.sh says how to run longer.
contract_fuzz() { needs_server && "$ROOT/scripts/schemathesis.sh" "$server_url" 150 15; }
# Last, as it breaks the database on purpose: with a trigger dropped, the kept-columns check
# must report what the trigger would have kept.
kept_proof() {
    needs_server && SWITCHBOARD_URL="$server_url" SWITCHBOARD_D1_STATE="$state_dir" \
        cargo test --locked -p switchboard-tests -- --ignored --show-output
}

stage "install tools" install_tools
stage "installing leaves tracked files as they were" tree_unchanged
stage "cargo fmt --check" fmt_check
stage "clippy -D warnings (native)" clippy_native
stage "clippy -D warnings (wasm32)" clippy_wasm
stage "native tests" native_tests
stage "wasm-bindgen tests in headless Chromium" wasm_tests
stage "release builds and WASM sizes" release_builds
stage "wrangler dev with a fresh local D1" start_server
stage "HTTP tests against wrangler dev" http_tests
stage "Playwright tests in Chromium" browser_tests
stage "Schemathesis against wrangler dev" contract_fuzz
stage "the kept-columns check catches a dropped trigger" kept_proof
stop_server

echo
echo "Switchboard test summary ($((SECONDS - started)) s):"
printf '%s\n' "${results[@]}"
echo "stages: $(( ${#results[@]} - failures )) passed, $failures failed"
[ "$failures" -eq 0 ]
