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
# queue until it is empty (.ci/queue.sh), each worker in a target directory
# of its own (cargo holds a target directory's lock for the whole run).
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

# miri_one W JOB: one queued test binary, in worker W's target directory.
miri_one() {
    CARGO_TARGET_DIR="target/miri-worker-$1" cargo +nightly miri test -p groundup "$2"
}

source .ci/queue.sh
run_queue target/miri-logs "$workers" miri_one "${queue[@]}"
