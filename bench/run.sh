#!/usr/bin/env bash
# The benchmark: installs what it needs, builds syscon in release mode, builds (or reuses) the Debian
# tree, and measures syscon against systemd-nspawn, bubblewrap and the unshare floor. Writes
# bench/RESULTS.md (with --quick: a few runs and N=10 only, written to /tmp/syscon-bench-quick.md).
# Run as root, on a quiet machine for figures worth keeping.
#   bench/run.sh [--quick] [--output FILE] [--only run,tree_size,rss,boot,density]
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${SYSCON_BENCH_BUILD_DIR:-$src/build/bench}
logs=${SYSCON_CACHE_DIR:-/var/cache/syscon}/bench/logs

if [ "$(id -u)" != 0 ]; then
        echo "bench/run.sh: run it as root: it starts containers." >&2
        exit 1
fi

# The tools syscon is compared with, the timer, debootstrap for the tree, python3 for the harness.
"$src/tools/install-deps.sh" systemd-container bubblewrap hyperfine debootstrap python3
# The release build is one static PIE: no shared library to load at every start (see meson.build).
pc=$("$src/tools/libsystemd-static.sh")
if [ -d "$build" ]; then
        meson configure "$build" -Dstatic=true -Dpkg_config_path="$pc" >/dev/null
else
        meson setup "$build" "$src" --buildtype=release -Dtests=false -Dstatic=true -Dpkg_config_path="$pc" >/dev/null
fi
ninja -C "$build" >/dev/null
tree=$("$src/tests/fixtures/debian-tree.sh")

rm -rf "$logs"
mkdir -p "$logs"
# A mount namespace of its own (bench.py mounts a tmpfs on /run there) and a network namespace of
# its own: nothing the launchers create outlives the benchmark or shows on the host.
exec unshare --mount --propagation private --net -- \
        python3 -B "$src/bench/bench.py" --syscon "$build/src/syscon" --tree "$tree" --src "$src" \
        --log-dir "$logs" "$@"
