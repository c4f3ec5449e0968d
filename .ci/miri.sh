#!/usr/bin/env bash
# Miri over the library's unit tests and every integration test file that
# carries the line `// miri: run` (the task, waker, executor, timer,
# epoll-path, I/O-helper, macro and sync tests), with strict provenance.
# Miri interprets the epoll and eventfd calls itself, so the real reactor
# thread and executor run under it; TCP sockets are not supported by Miri,
# so a test file that needs them does not carry the line. The marker lives
# in each file rather than in a list here, so that adding a test file never
# touches this script.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup toolchain install nightly --profile minimal --component miri,rust-src >/dev/null
cargo +nightly miri setup >/dev/null

tests=()
for file in $(grep -l '^// miri: run' tests/*.rs | sort); do
    tests+=(--test "$(basename "$file" .rs)")
done
echo "Miri runs the library tests and ${#tests[@]} test files: ${tests[*]//--test /}"

export MIRIFLAGS="${MIRIFLAGS:-} -Zmiri-strict-provenance"
cargo +nightly miri test -p groundup --lib "${tests[@]}"
