#!/usr/bin/env bash
# The Windows backend, built with mingw-w64 and tested under Wine.
#
#   .ci/windows.sh          set up what is missing, then test and lint
#   .ci/windows.sh setup    only set up (after this, `cargo test --target
#                           x86_64-pc-windows-gnu` works by hand)
#
# Setting up means, each step skipped when already done:
#   1. the Debian packages gcc-mingw-w64-x86-64 (linker, headers for the ABI
#      check) and wine + wine64 (`apt-get update` first);
#   2. the rustup target x86_64-pc-windows-gnu;
#   3. a Wine prefix ($WINEPREFIX, default ~/.wine), made with `wineboot`;
#   4. the ProcessPrng shim (.ci/wine/bcryptprimitives.c), built with mingw
#      and copied into the prefix's system32. Wine 8 lacks ProcessPrng, which
#      Rust's std imports: without it every test binary dies at load time.
#
# Then: the whole suite under Wine, by the command the README gives
# (`cargo test --target x86_64-pc-windows-gnu`: the Poll layer, the runtime,
# groundup::net and groundup::io, doctests included, through the runner in
# .cargo/config.toml, which also compiles the ABI check's C file on the host
# and runs the stress tests at a tenth of their size; see .ci/wine/run),
# clippy and rustdoc for the Windows target with warnings denied, a build with the
# minimum supported Rust version, and the examples in their checking modes
# under Wine.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=x86_64-pc-windows-gnu
MINGW_CC=x86_64-w64-mingw32-gcc
PREFIX="${WINEPREFIX:-$HOME/.wine}"
export WINEDEBUG="${WINEDEBUG:--all}"

as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

install_packages() {
    local missing=()
    command -v "$MINGW_CC" >/dev/null || missing+=(gcc-mingw-w64-x86-64)
    { command -v wine >/dev/null && command -v wineboot >/dev/null; } || missing+=(wine wine64)
    if ((${#missing[@]} == 0)); then
        return
    fi
    echo "installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

install_target() {
    rustup target list --installed | grep -qx "$TARGET" || rustup target add "$TARGET"
}

make_prefix() {
    if [[ ! -f "$PREFIX/system.reg" ]]; then
        echo "creating the Wine prefix $PREFIX"
        # wineboot warns that 32-bit Wine is missing; only 64-bit is used.
        WINEPREFIX="$PREFIX" wineboot --init >/dev/null 2>&1 || true
        WINEPREFIX="$PREFIX" wineserver --wait || true
    fi
    [[ -d "$PREFIX/drive_c/windows/system32" ]] || {
        echo "wineboot did not create $PREFIX/drive_c/windows/system32" >&2
        return 1
    }
}

install_shim() {
    local built=target/wine/bcryptprimitives.dll
    local installed="$PREFIX/drive_c/windows/system32/bcryptprimitives.dll"
    mkdir -p target/wine
    if [[ ! -f $built || .ci/wine/bcryptprimitives.c -nt $built ]]; then
        "$MINGW_CC" -shared -O2 -Wall -Wextra -Werror -o "$built" \
            .ci/wine/bcryptprimitives.c -ladvapi32
    fi
    cmp -s "$built" "$installed" || cp "$built" "$installed"
}

setup() {
    install_packages
    install_target
    make_prefix
    install_shim
}

test_under_wine() {
    # The runner appends a line here for each ABI check it compiled: none
    # means the ABI test did not run, and nothing was checked.
    local report=target/wine/abi-report
    mkdir -p target/wine
    rm -f "$report"
    GROUNDUP_ABI_REPORT="$PWD/$report" cargo test --target "$TARGET" "$@"
    if [[ ! -s $report ]]; then
        echo "the Wine runner compiled no ABI check ($report is empty): nothing was checked" >&2
        return 1
    fi
    cat "$report"
}

step() {
    printf '\n==> [windows] %s\n' "$*"
    local start=$SECONDS
    "$@"
    printf '    (%ss)\n' $((SECONDS - start))
}

step setup
if [[ ${1:-} == setup ]]; then
    exit 0
fi
msrv_check() {
    local msrv
    msrv=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
    rustup toolchain install "$msrv" --profile minimal >/dev/null
    rustup target list --installed --toolchain "$msrv" | grep -qx "$TARGET" ||
        rustup target add "$TARGET" --toolchain "$msrv"
    cargo +"$msrv" check --target "$TARGET" --workspace --all-targets
}

step test_under_wine
step cargo clippy --target "$TARGET" --workspace --all-targets -- -D warnings
RUSTDOCFLAGS="-D warnings" step cargo doc --target "$TARGET" --workspace --no-deps
# The minimum supported Rust version builds the Windows code too.
step msrv_check
# The examples as .ci/run runs them on Linux. The demo runs with 200 clients
# instead of 1,000:
# wineserver walks every pending poll of the process on each socket event,
# so the full demo's 2,000 sockets take about two and a half minutes under
# Wine (seconds on Linux); 200 clients take seconds. See the README.
examples() {
    local run=(cargo run -q --target "$TARGET")
    "${run[@]}" --release --example demo -- --clients 200
    "${run[@]}" --example echo -- --check
    "${run[@]}" --example http -- --check
    "${run[@]}" --example delay -- 5
    "${run[@]}" --example poll_echo
    "${run[@]}" --example layers
    "${run[@]}" --example graceful_shutdown -- --check
    # Captured first: `grep -q` would stop reading at the first match, and
    # the example, still tracing under Wine, would die of the closed pipe.
    local trace
    trace=$(GROUNDUP_TRACE=1 "${run[@]}" --example one_read 2>&1)
    grep -q 'recv(' <<<"$trace"
}
step examples
# (The Poll benchmark is not run here: under Wine it reaches about 1,000
# events/s, two minutes for even the quick mode, and measures Wine more than
# groundup; clippy --all-targets above keeps it compiling for Windows.)
