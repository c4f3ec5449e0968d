#!/usr/bin/env bash
# apt.sh COMMAND PACKAGE [COMMAND PACKAGE]...: installs each PACKAGE whose
# COMMAND is not on the PATH, with one `apt-get update` first, and nothing
# (not even the update) when every command is there. Sourced by the CI
# scripts that need packages.
apt_need() {
    local missing=()
    while [ $# -ge 2 ]; do
        command -v "$1" >/dev/null || missing+=("$2")
        shift 2
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    echo "installing ${missing[*]}" >&2
    "${sudo[@]}" apt-get update -qq >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}
