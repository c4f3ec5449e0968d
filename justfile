# groundup's everyday commands. `just --list` shows them.
# Each recipe is a thin name for a command you can also type by hand; CI runs
# `.ci/run`, which calls the same commands.

# Run the test suite (the README's test command).
test *args:
    cargo test {{args}}

# The kqueue backend on Linux, through libkqueue (built once from
# ../shared/vendor into target/libkqueue): the whole suite, the examples,
# clippy and rustdoc; or, given arguments, `cargo test` with them
# (`just test-kqueue --test net_tcp`).
test-kqueue *args:
    bash .ci/kqueue.sh {{args}}

# The whole suite on Linux for another CPU: i686 (natively), aarch64 or
# s390x (big-endian), both under qemu-user in release with the stress tests
# at a tenth; extra arguments go to `cargo test` (`just test-cross s390x
# --test net_udp`). Installs the cross compiler, qemu-user and the target.
test-cross arch *args:
    bash .ci/cross.sh {{arch}} {{args}}

# groundup on Windows, cross-built with mingw-w64 and tested under Wine:
# installs what is missing (packages, rustup target, Wine prefix, the
# ProcessPrng shim), then tests, lints and runs the examples and benchmark.
test-windows:
    bash .ci/windows.sh

# Formatting and lints, warnings denied.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# Clippy for a kqueue target, which cannot run here (the GitHub workflow runs
# it): x86_64-apple-darwin, aarch64-apple-darwin, x86_64-unknown-freebsd,
# x86_64-unknown-netbsd. Needs `rustup target add <target>` once.
lint-target target:
    cargo clippy --workspace --all-targets --target {{target}} -- -D warnings

# The zero-dependency benchmarks in benches/ (figures, not tests).
bench *args:
    cargo bench --bench poll -- {{args}}
    cargo bench --bench runtime -- {{args}}

# groundup against mio, tokio and smol: every workload (1–12), interleaved
# rounds, a ratio table (also in benches/compare/results/). `--quick` for a
# short run (what CI does), `--workload N` for one workload.
bench-compare *args:
    cd benches/compare && cargo run --release -- {{args}}

# Issue 14's figures in one go: workloads 4, 5, 9, 10 against tokio with the
# defaults and with a 50 µs spin, then syscalls per op; the machine's CPU and
# load beside them (benches/compare/target/goal/).
bench-goal rounds="5":
    bash benches/compare/goal.sh {{rounds}}

# System calls and context switches per operation for the echo workloads,
# each contender side by side (perf stat; `--quick` for a short run).
bench-syscalls *args:
    cd benches/compare && cargo run --release -- syscalls {{args}}

# Which system calls each contender makes in the echo workloads (strace -f -c).
bench-strace workload="4":
    cd benches/compare && cargo build --release
    for c in groundup tokio smol; do echo "== $c"; strace -f -c benches/compare/target/release/groundup-compare --workload {{workload}} --only $c --rounds 1 --no-warmup --quick > /dev/null; done

# AddressSanitizer (leaks fail) and ThreadSanitizer over the test suite.
sanitizers *which:
    bash .ci/sanitizers.sh {{which}}

# The soak test: echo load for 60 s (or GROUNDUP_SOAK_SECS), then checks that
# descriptors and resident memory did not grow.
soak:
    GROUNDUP_SOAK=1 cargo test --release --test soak -- --nocapture

# Miri (strict provenance) over the task, waker, executor and epoll tests.
miri:
    bash .ci/miri.sh

# API docs for both crates, warnings denied.
doc:
    RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps

# Everything CI runs, exactly as CI runs it.
ci:
    bash .ci/run
