# groundup's everyday commands. `just --list` shows them.
# Each recipe is a thin name for a command you can also type by hand; CI runs
# `.ci/run`, which calls the same commands.

# Run the test suite (the README's test command).
test *args:
    cargo test {{args}}

# The Windows backend, cross-built with mingw-w64 and tested under Wine:
# installs what is missing (packages, rustup target, Wine prefix, the
# ProcessPrng shim), then tests, lints and runs the example and benchmark.
test-windows:
    bash .ci/windows.sh

# Formatting and lints, warnings denied.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# The zero-dependency benchmarks in benches/ (figures, not tests).
bench *args:
    cargo bench --bench poll -- {{args}}

# API docs for both crates, warnings denied.
doc:
    RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps

# Everything CI runs, exactly as CI runs it.
ci:
    bash .ci/run
