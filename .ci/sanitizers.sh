#!/usr/bin/env bash
# The test suite under AddressSanitizer (with LeakSanitizer: a leak fails
# the run) and ThreadSanitizer, on nightly. ThreadSanitizer needs std itself
# instrumented, hence -Zbuild-std (and rust-src).
#
#   .ci/sanitizers.sh          both
#   .ci/sanitizers.sh address  one of them
#   .ci/sanitizers.sh thread
#
# The stress tests run at a tenth of their size here (GROUNDUP_STRESS_DIVISOR):
# same scenarios, in minutes rather than hours under instrumentation.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=x86_64-unknown-linux-gnu
rustup toolchain install nightly --profile minimal --component rust-src >/dev/null
export GROUNDUP_STRESS_DIVISOR=10
# GROUNDUP_SANITIZER tells the tests which sanitizer runs them (set per run
# below): the soak test does not judge resident memory under any (see
# tests/soak.rs); under ThreadSanitizer, tests/fault_reactor.rs skips its
# fault (a descriptor closed while another thread waits on it, which TSan
# rightly reports as a race), tests/example_graceful_shutdown.rs skips
# the signal TSan never delivers to a thread blocked in a futex, and the
# signal tests send each signal to their own thread (util::raise_signal)
# for the same reason.

run() {
    local sanitizer=$1
    echo "== ${sanitizer}Sanitizer"
    local build_std=()
    [[ $sanitizer == thread ]] && build_std=(-Zbuild-std)
    GROUNDUP_SANITIZER="$sanitizer" RUSTFLAGS="-Zsanitizer=$sanitizer" \
    ASAN_OPTIONS="detect_leaks=1" TSAN_OPTIONS="halt_on_error=1" \
        cargo +nightly test "${build_std[@]}" --target "$HOST" \
        --target-dir "target/sanitizer-$sanitizer" --workspace --lib --tests
}

case "${1:-both}" in
    address | thread) run "$1" ;;
    both) run address && run thread ;;
    *) echo "usage: $0 [address|thread]" >&2; exit 2 ;;
esac
