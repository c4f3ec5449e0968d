#!/usr/bin/env bash
# The README's demo command, and every example in its checking mode: what
# `.ci/run` runs for the host's backend and `.ci/kqueue.sh` for the kqueue
# backend on libkqueue (the environment chooses the backend; see build.rs).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo run --release --example demo
cargo run --example echo -- --check
cargo run --example http -- --check
cargo run --example delay -- 5
cargo run --example poll_echo
# The trace must show the read's recv. Captured first: `| grep -q` would
# stop reading at the first match, and the example, still tracing, would
# then die of a broken pipe (exit 101), failing the step under pipefail.
trace=$(GROUNDUP_TRACE=1 cargo run --example one_read 2>&1)
grep -q 'recv(' <<<"$trace"
cargo run --example layers
cargo run --example graceful_shutdown -- --check
cargo run --example chat -- --check
cargo run --example tinydb -- --check
