#!/usr/bin/env bash
# The main job: installs what is needed, builds syscon, and runs a shell (or COMMAND) in TREE, or in
# a small busybox tree the project builds itself when no TREE is given. Run as root.
#   tools/demo.sh [TREE [COMMAND [ARGS...]]]
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${SYSCON_BUILD_DIR:-$src/build/release}

"$src/tools/install-deps.sh"
[ -d "$build" ] || meson setup "$build" "$src" --buildtype=release >/dev/null
ninja -C "$build" >/dev/null

tree=${1:-}
if [ -z "$tree" ]; then
        tree=${SYSCON_CACHE_DIR:-/var/cache/syscon}/trees/demo
        rm -rf "$tree"
        "$src/tests/fixtures/busybox-tree.sh" "$tree" "$build/tests/helper/syscon-test-helper" >/dev/null
else
        shift
fi
exec "$build/src/syscon" run "$tree" "$@"
