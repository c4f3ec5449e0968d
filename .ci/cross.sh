#!/usr/bin/env bash
# cross.sh ARCH [cargo test args]: the whole suite on Linux for another CPU,
# on this x86_64 machine. `cross.sh ARCH setup` only installs what is
# missing (.ci/run does that early, in the background).
#
#   i686     32-bit x86, run natively (the x86_64 kernel runs it), in debug
#            like the host's run, at full size;
#   aarch64  64-bit Arm, under qemu-user;
#   s390x    IBM Z, big-endian, under qemu-user.
#
# Linkers and runners are in .cargo/config.toml. The qemu targets run in
# release with the stress tests at a tenth of their size
# (GROUNDUP_STRESS_DIVISOR=10): an emulated CPU is some ten times slower,
# and the scenario is the same. CC names the target's C compiler for the
# ABI test, which compiles against the target's own headers. Installs what
# is missing (the cross gcc, qemu-user, the rustup target); quick when all
# is there.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/apt.sh

arch=${1:?usage: cross.sh i686|aarch64|s390x [setup | cargo test args]}
shift
triple="$arch-unknown-linux-gnu"
gcc="$arch-linux-gnu-gcc"
case "$arch" in
    i686) apt_need "$gcc" gcc-i686-linux-gnu ;;
    aarch64) apt_need "$gcc" gcc-aarch64-linux-gnu qemu-aarch64 qemu-user ;;
    s390x) apt_need "$gcc" gcc-s390x-linux-gnu qemu-s390x qemu-user ;;
    *) echo "cross.sh: unknown architecture $arch (i686, aarch64, s390x)" >&2; exit 2 ;;
esac
rustup target list --installed | grep -qx "$triple" || rustup target add "$triple"
[ "${1:-}" = setup ] && exit 0

export CC="$gcc"
if [ "$arch" = i686 ]; then
    cargo test --workspace --target "$triple" "$@"
else
    # An emulated process cannot exec a binary of its own CPU (this machine
    # has no binfmt_misc entry for it): the tests that re-run their own
    # binary as a child start it under the same emulator
    # (tests/util/child.rs, this_binary).
    GROUNDUP_TEST_EMULATOR="qemu-$arch -L /usr/$arch-linux-gnu" \
    GROUNDUP_STRESS_DIVISOR=${GROUNDUP_STRESS_DIVISOR:-10} \
        cargo test --workspace --release --target "$triple" "$@"
fi
