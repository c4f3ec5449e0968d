#!/usr/bin/env bash
# The figures issue 14 asks for, in one go, easy to re-run on a quiet
# machine: workloads 4 and 5 (TCP echo, 1 and 100 connections) and 9 and 10
# (HTTP, examples/http against its tokio twin under wrk, 1 and 100
# connections), groundup against tokio current_thread, with the default
# configuration (no spin) and with a 50 µs spin; then system calls per
# operation (perf stat) with the defaults. Throughput and server CPU per
# operation are medians of interleaved rounds, ratios taken within one run.
#
#   bash benches/compare/goal.sh [ROUNDS]      # default 5 rounds
#   just bench-goal [ROUNDS]
#
# Output: target/goal/<UTC time>/, one file per run, plus machine.txt (CPU
# model and the load average before and after each run: the machine is
# shared, so say how loaded it was next to the figures).
set -euo pipefail
cd "$(dirname "$0")"
rounds="${1:-5}"
out="target/goal/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
cargo build --release --quiet
bin=target/release/groundup-compare
{
    lscpu | grep -E 'Model name|^CPU\(s\)|Hypervisor'
    uname -r
} > "$out/machine.txt"
load() { echo "$1: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"; }
workloads=(--workload 4 --workload 5 --workload 9 --workload 10)

run() { # name, env assignments...
    local name="$1"; shift
    load "before $name"
    env "$@" "$bin" "${workloads[@]}" --rounds "$rounds" 2>/dev/null \
        | grep -v 'smol' | tee "$out/$name.txt"
    load "after $name"
}
run default GROUNDUP_BENCH_UNUSED=1
run spin50 GROUNDUP_BENCH_SPIN_US=50
load "before syscalls"
"$bin" syscalls 2>/dev/null | grep -v 'smol' | tee "$out/syscalls.txt"
load "after syscalls"
cat "$out/machine.txt"
echo "written: $out"
