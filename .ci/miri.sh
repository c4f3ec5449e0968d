#!/usr/bin/env bash
# Miri over the task, waker, executor, timer and epoll-path tests, with
# strict provenance. Miri interprets the epoll and eventfd calls itself, so
# the real reactor thread and executor run under it; TCP sockets are not
# supported by Miri, so the test files that need them are left out
# (rt_waiters waits on a socketpair, which Miri does support).
set -euo pipefail
cd "$(dirname "$0")/.."

rustup toolchain install nightly --profile minimal --component miri,rust-src >/dev/null
cargo +nightly miri setup >/dev/null

export MIRIFLAGS="${MIRIFLAGS:-} -Zmiri-strict-provenance"
cargo +nightly miri test -p groundup --lib \
    --test rt_tasks --test rt_cancel --test rt_wake --test rt_shutdown --test rt_time \
    --test poll_waker --test rt_waiters
