#!/usr/bin/env bash
# Starts Switchboard on 127.0.0.1 with the demo agency: installs the tools, builds the app and
# the Worker, applies the migrations to the local D1, loads the demo data once, and serves it
# all with `wrangler dev`. PORT=8787 by default; STATE=.state/dev keeps the database.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$ROOT/scripts/db.sh"
cd "$ROOT"

"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh"

STATE="${STATE:-$ROOT/.state/dev}"
PORT="${PORT:-8787}"
mkdir -p "$STATE"
say "applying migrations to the local D1 in $STATE"
d1_migrate "$STATE"
d1_seed_demo "$STATE"

cat <<BANNER

  Switchboard is starting on  http://127.0.0.1:$PORT
  Sign in as  admin@brightline.example  with the password  Switchboard-demo1
  Stop it with Ctrl-C.

BANNER
cd "$ROOT/worker"
exec wrangler dev --ip 127.0.0.1 --port "$PORT" --persist-to "$STATE" --log-level warn \
    --var ENVIRONMENT:development \
    --show-interactive-dev-session=false
