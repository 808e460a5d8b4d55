# Local D1 helpers. Source after env.sh.

# Applies every migration to the local D1 kept in $1.
d1_migrate() {
    (cd "$ROOT/worker" && wrangler d1 migrations apply DB --local --persist-to "$1")
}

# Loads the demo agencies into the local D1 kept in $1, unless it already has agencies.
d1_seed_demo() {
    local state="$1" count seed
    count="$(cd "$ROOT/worker" && wrangler d1 execute DB --local --persist-to "$state" --json \
        --command "SELECT count(*) AS n FROM agencies" | node -e \
        'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[0].results[0].n))')"
    if [ "$count" != "0" ]; then
        say "the local D1 already has $count agencies; leaving them as they are"
        return 0
    fi
    seed="$(mktemp --suffix=.sql)"
    cargo run --quiet -p xtask -- seed-demo >"$seed"
    (cd "$ROOT/worker" && wrangler d1 execute DB --local --persist-to "$state" --file "$seed" >/dev/null)
    rm -f "$seed"
    say "loaded the demo agencies"
}

# Loads the authorization matrix's agency (tests only) into the local D1 kept in $1.
d1_seed_matrix() {
    local seed
    seed="$(mktemp --suffix=.sql)"
    cargo run --quiet -p xtask -- seed-matrix >"$seed"
    (cd "$ROOT/worker" && wrangler d1 execute DB --local --persist-to "$1" --file "$seed" >/dev/null)
    rm -f "$seed"
}
