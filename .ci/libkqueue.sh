#!/usr/bin/env bash
# Builds libkqueue from the vendored tarball into target/libkqueue (once:
# quick when already built) and prints the install prefix, which is what
# GROUNDUP_LIBKQUEUE must name for `GROUNDUP_BACKEND=kqueue` builds (see
# build.rs). Needs cmake, make, patch and a C compiler; installs any that is
# missing with apt. Progress goes to stderr, the prefix alone to stdout:
#
#   GROUNDUP_LIBKQUEUE=$(bash .ci/libkqueue.sh) GROUNDUP_BACKEND=kqueue cargo test
#
# One patch is applied before the build, .ci/libkqueue-room-for-both-filters.patch:
# at f966089 libkqueue asks epoll for as many events as the caller has
# slots, but an epoll event for a descriptor with a read and a write knote
# becomes two kevents, and the copy-out drops whatever no longer fits. The
# knotes are edge-triggered, so those events are lost for good (found by
# tests/poll_many.rs, sources_ready_both_ways_drained_three_events_at_a_time_all_reported,
# and by the stress test hanging). The patch asks epoll for half as many.
# Nothing in the caller's arguments can prevent it: libkqueue uses the one
# count for both the epoll_wait and the list it fills.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/apt.sh

# The tarball lives beside the repository on every machine that runs CI
# (../shared/vendor, see its README.md); from a git worktree elsewhere,
# beside the main checkout; from a fresh clone elsewhere, beside the
# checkout it was cloned from; GROUNDUP_VENDOR overrides them all.
vendor_dir() {
    if [ -n "${GROUNDUP_VENDOR:-}" ]; then
        echo "$GROUNDUP_VENDOR"
    elif [ -d ../shared/vendor ]; then
        echo ../shared/vendor
    else
        local common origin
        common=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
        origin=$(git remote get-url origin 2>/dev/null || true)
        if [ -d "$(dirname "${common:-.}")/../shared/vendor" ]; then
            echo "$(dirname "${common:-.}")/../shared/vendor"
        elif [ -n "$origin" ] && [ -d "$origin/../shared/vendor" ]; then
            # A fresh clone made elsewhere (mktemp -d): beside the checkout
            # it was cloned from.
            echo "$origin/../shared/vendor"
        else
            echo ../shared/vendor
        fi
    fi
}
tarball="$(vendor_dir)/libkqueue-f966089.tar.gz"
patches=(.ci/libkqueue-room-for-both-filters.patch)
dir="$PWD/target/libkqueue"
prefix="$dir/inst"

stale() {
    [ -f "$prefix/lib/libkqueue.a" ] && [ -f "$prefix/include/kqueue/sys/event.h" ] || return 0
    local input
    for input in "$tarball" "${patches[@]}" "$0"; do
        [ "$input" -nt "$prefix/lib/libkqueue.a" ] && return 0
    done
    return 1
}

if stale; then
    apt_need cmake cmake make make patch patch cc gcc
    [ -f "$tarball" ] || { echo "libkqueue: no $tarball (set GROUNDUP_VENDOR)" >&2; exit 1; }
    echo "libkqueue: building $tarball into $dir" >&2
    rm -rf "$dir"
    mkdir -p "$dir"
    tar xzf "$tarball" -C "$dir"
    for p in "${patches[@]}"; do
        patch -s -p1 -d "$dir/libkqueue" <"$p" >&2
    done
    cmake -S "$dir/libkqueue" -B "$dir/build" -DCMAKE_INSTALL_PREFIX="$prefix" \
        -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_BUILD_TYPE=Release >"$dir/cmake.log" 2>&1 \
        || { cat "$dir/cmake.log" >&2; exit 1; }
    make -C "$dir/build" -j2 install >"$dir/make.log" 2>&1 \
        || { cat "$dir/make.log" >&2; exit 1; }
fi
echo "$prefix"
