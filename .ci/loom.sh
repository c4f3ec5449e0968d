#!/usr/bin/env bash
# The model checker: loom explores every interleaving (and the weak-memory
# reorderings) of the cross-thread protocols, whose own source files
# checks/loom includes (checks/loom/src/lib.rs says how). The crate is
# outside the workspace on purpose: it downloads loom.
#
# After its fmt and clippy, the models run one per job on a shared queue
# (.ci/queue.sh), one worker per CPU (GROUNDUP_LOOM_WORKERS overrides).
# `cargo test` would run the test binaries one after another, each with its
# tests in parallel, so behind a binary's slowest model a core sat idle;
# the models are very uneven (from milliseconds to minutes). The queue
# starts with the files whose models take longest (LONG_FIRST, measured by
# this script's own timings, which it prints beside each job).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cd checks/loom

cargo fmt -- --check
cargo clippy --release --all-targets -- -D warnings

# Build every test binary once; cargo names each executable in its JSON.
mapfile -t binaries < <(cargo test --release --no-run --message-format=json |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p')

# The files whose models take longest, in the order to start them (one
# model of inject takes over a minute; the whole queue about two).
LONG_FIRST=(inject park blocking_pool task_state)

# rank BINARY: where its file stands in LONG_FIRST (the rest after).
rank() {
    local name i
    name=$(basename "$1")
    name=${name%-*}
    for i in "${!LONG_FIRST[@]}"; do
        [[ ${LONG_FIRST[i]} == "$name" ]] && { echo "$i"; return; }
    done
    echo "${#LONG_FIRST[@]}"
}

# One job per model: "BINARY MODEL" (a model's name has no space).
jobs=()
while read -r _ binary; do
    while read -r model; do
        jobs+=("$binary ${model%: test}")
    done < <("$binary" --list --format terse | grep ': test$')
done < <(for b in "${binaries[@]}"; do echo "$(rank "$b") $b"; done | sort -n -s -k1,1)

workers=${GROUNDUP_LOOM_WORKERS:-$(nproc)}
echo "loom runs ${#jobs[@]} models from ${#binaries[@]} files, $workers at a time"

# loom_one W JOB: one model, alone in its binary (loom's own threads are
# simulated on one host thread, so one model is one CPU's work).
loom_one() {
    local binary=${2% *} model=${2#* }
    "$binary" --exact "$model" --test-threads=1
}

source "$root/.ci/queue.sh"
run_queue "$root/target/loom-logs" "$workers" loom_one "${jobs[@]}"
