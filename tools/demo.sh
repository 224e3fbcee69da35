#!/usr/bin/env bash
# The main job: installs what is needed, builds syscon, and boots TREE as a system container, or a
# Debian bookworm tree with systemd that the project builds itself (debootstrap, cached under
# /var/cache/syscon) when no TREE is given, whose console logs root in by itself. `poweroff` inside
# ends it, Ctrl-] three times within a second kills it. Run as root.
#   tools/demo.sh [TREE [SYSCON-BOOT-OPTIONS...]]
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${SYSCON_BUILD_DIR:-$src/build/release}

"$src/tools/install-deps.sh"
# The release build, as tools/test.sh and bench/run.sh make it: one static PIE.
[ -d "$build" ] || meson setup "$build" "$src" --buildtype=release -Dstatic=true \
        -Dpkg_config_path="$("$src/tools/libsystemd-static.sh")" >/dev/null
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
                # The demo's console logs root in by itself.
                mkdir -p "$tree.tmp/etc/systemd/system/console-getty.service.d"
                cat >"$tree.tmp/etc/systemd/system/console-getty.service.d/autologin.conf" <<'EOF_UNIT'
[Service]
ExecStart=
ExecStart=-/sbin/agetty --autologin root --noclear --keep-baud - 115200,38400,9600 $TERM
EOF_UNIT
                mv "$tree.tmp" "$tree"
        fi
else
        shift
fi
exec "$build/src/syscon" boot "$@" "$tree"
