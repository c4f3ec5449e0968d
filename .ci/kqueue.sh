#!/usr/bin/env bash
# The kqueue backend on Linux, through libkqueue (GROUNDUP_BACKEND=kqueue,
# see build.rs): builds libkqueue once from ../shared/vendor, then runs the
# whole suite (the ABI test against libkqueue's sys/event.h included), the
# examples, clippy and rustdoc in that configuration, in a target directory
# of its own so the host build is not rebuilt. Extra arguments go to
# `cargo test` (`just test-kqueue --test net_tcp`).
set -euo pipefail
cd "$(dirname "$0")/.."

GROUNDUP_LIBKQUEUE=$(bash .ci/libkqueue.sh)
export GROUNDUP_LIBKQUEUE GROUNDUP_BACKEND=kqueue CARGO_TARGET_DIR=target/kqueue

step() {
    printf '\n--> %s\n' "$*"
    local start=$SECONDS
    "$@"
    printf '    (%ss)\n' $((SECONDS - start))
}

if [ $# -gt 0 ]; then
    cargo test "$@"
    exit
fi
step cargo test --workspace
step bash .ci/examples.sh
step cargo clippy --workspace --all-targets -- -D warnings
RUSTDOCFLAGS="-D warnings" step cargo doc --workspace --no-deps
