#!/usr/bin/env bash
# The main job: installs what is needed, builds syscon, and boots TREE as a system container, or a
# Debian bookworm tree with systemd that the project builds itself (debootstrap, cached under
# /var/cache/syscon) when no TREE is given. Log in as root (no password is set: use
# `syscon run TREE passwd` first for a tree of your own); `poweroff` inside ends it, Ctrl-] three
# times within a second kills it. Run as root.
#   tools/demo.sh [TREE [SYSCON-BOOT-OPTIONS...]]
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${SYSCON_BUILD_DIR:-$src/build/release}

"$src/tools/install-deps.sh"
[ -d "$build" ] || meson setup "$build" "$src" --buildtype=release >/dev/null
ninja -C "$build" >/dev/null

tree=${1:-}
if [ -z "$tree" ]; then
        base=$("$src/tests/fixtures/debian-tree.sh")
        # The cached tree stays pristine: the demo boots a copy of its own.
        tree=${SYSCON_CACHE_DIR:-/var/cache/syscon}/machines/demo
        if [ ! -e "$tree/etc/os-release" ]; then
                rm -rf "$tree.tmp"
                mkdir -p "$(dirname "$tree")"
                cp -a --reflink=auto "$base" "$tree.tmp"
                # Root logs in on the console without a password, as in a fresh nspawn tree.
                sed -i 's/^root:[^:]*:/root::/' "$tree.tmp/etc/shadow"
                mv "$tree.tmp" "$tree"
        fi
else
        shift
fi
exec "$build/src/syscon" boot "$@" "$tree"
