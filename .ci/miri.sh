#!/usr/bin/env bash
# Miri over the library's unit tests and every integration test file that
# carries the line `// miri: run` (the task, waker, executor, timer,
# epoll-path, I/O-helper, macro and sync tests), with strict provenance.
# Miri interprets the epoll and eventfd calls itself, so the real reactor
# thread and executor run under it; TCP sockets are not supported by Miri,
# so a test file that needs them does not carry the line. The marker lives
# in each file rather than in a list here, so that adding a test file never
# touches this script.
#
# Miri interprets on one host thread, so one worker per CPU
# (GROUNDUP_MIRI_WORKERS overrides) takes the next test binary off a shared
# queue until it is empty, each worker in a target directory of its own
# (cargo holds a target directory's lock for the whole run). Each binary's
# output is printed once all are done, in queue order.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup toolchain install nightly --profile minimal --component miri,rust-src >/dev/null
cargo +nightly miri setup >/dev/null

# The queue: the library's tests first (the longest), then the files.
queue=(--lib)
for file in $(grep -l '^// miri: run' tests/*.rs | sort); do
    queue+=("--test=$(basename "$file" .rs)")
done
workers=${GROUNDUP_MIRI_WORKERS:-$(nproc)}
echo "Miri runs the library tests and $((${#queue[@]} - 1)) test files, $workers at a time: ${queue[*]#--test=}"

export MIRIFLAGS="${MIRIFLAGS:-} -Zmiri-strict-provenance"
logs=target/miri-logs
rm -rf "$logs"
mkdir -p "$logs"
printf '%s\n' "${!queue[@]}" >"$logs/queue"

# next: pops the queue's first index (under a lock, as every worker pops).
next() {
    flock "$logs/queue.lock" sh -c 'head -n1 "$1"; sed -i 1d "$1"' sh "$logs/queue"
}

# worker W: runs queued binaries until none is left; fails if any failed.
worker() {
    local w=$1 i status=0
    while i=$(next) && [ -n "$i" ]; do
        CARGO_TARGET_DIR="target/miri-worker-$w" \
            cargo +nightly miri test -p groundup "${queue[i]}" >"$logs/$i.log" 2>&1 ||
            { status=1; echo "${queue[i]}" >>"$logs/failed"; }
    done
    return "$status"
}

pids=()
for ((w = 0; w < workers; w++)); do
    worker "$w" &
    pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do
    wait "$pid" || failed=1
done
for i in "${!queue[@]}"; do
    echo "== Miri: ${queue[i]}"
    cat "$logs/$i.log"
done
if ((failed)); then
    echo "Miri failed in: $(tr '\n' ' ' <"$logs/failed")" >&2
fi
exit "$failed"
