#!/usr/bin/env bash
# Where the HTTP servers' CPU goes: user time against kernel time per
# request, for examples/http (groundup) and bin/http_tokio.rs (its tokio
# twin), each under `wrk -t1 -d5s` at 1 and 100 connections, interleaved
# rounds. Read from the server's /proc/PID/stat (utime, stime: clock ticks,
# 100 per second on Linux), over the timed run only (a 1 s warm-up first).
#
#   bash benches/compare/user-sys.sh [ROUNDS]      # default 3 rounds
#
# Tick resolution is 10 ms: at ~25,000 requests per second a 5 s run is
# ~125,000 requests, so one tick is 0.08 µs per request.
set -euo pipefail
cd "$(dirname "$0")"
rounds="${1:-3}"
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
(cd ../.. && cargo build --quiet --release --example http)
cargo build --quiet --release --bin http_tokio
hz=$(getconf CLK_TCK)
servers=(../../target/release/examples/http target/release/http_tokio)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
lscpu | grep -E 'Model name' | sed 's/  */ /g'
printf '%-10s %5s %10s %14s %14s\n' server conns 'req/s' 'user µs/req' 'kernel µs/req'
for conns in 1 100; do
    for _ in $(seq "$rounds"); do
        for server in "${servers[@]}"; do
            "$server" 127.0.0.1:0 > "$out" 2>/dev/null &
            pid=$!
            until [ -s "$out" ]; do sleep 0.05; done
            addr=$(head -1 "$out")
            wrk -t1 -c"$conns" -d1s "$addr" > /dev/null
            read -r u0 s0 < <(cut -d' ' -f14,15 "/proc/$pid/stat")
            rate=$(wrk -t1 -c"$conns" -d5s "$addr" | awk '/^Requests\/sec/ {print $2}')
            read -r u1 s1 < <(cut -d' ' -f14,15 "/proc/$pid/stat")
            kill "$pid"
            wait "$pid" 2>/dev/null || true
            : > "$out"
            awk -v name="$(basename "$server")" -v c="$conns" -v r="$rate" -v hz="$hz" \
                -v u=$((u1 - u0)) -v s=$((s1 - s0)) 'BEGIN {
                    n = r * 5
                    printf "%-10s %5d %10.0f %14.2f %14.2f\n", name, c, r, u / hz * 1e6 / n, s / hz * 1e6 / n
                }'
        done
    done
done
