#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs dependencies, builds with gcc and clang (-Werror),
# with ASan/UBSan and as the static release build, runs the unit tests on every build and the
# privileged integration suite on the gcc, sanitizer and release builds, then the test-host tier
# (tests/vm: integration tests in a QEMU VM with systemd on pure cgroup v2) on the gcc build, and its
# cgroup, boot and seccomp tests on the release build. Needs root for the integration suite and the
# tier. Build dirs go to $SYSCON_BUILD_ROOT (default: build/
# in the source tree).
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
out=${SYSCON_BUILD_ROOT:-$src/build}

"$src/tools/install-deps.sh"

setup() { # NAME CC [meson options...]
        local name=$1 cc=$2
        shift 2
        if [ ! -d "$out/$name" ]; then
                CC=$cc meson setup "$out/$name" "$src" --werror "$@" >/dev/null
        fi
        ninja -C "$out/$name"
}

setup gcc gcc
setup clang clang
setup asan gcc -Db_sanitize=address,undefined -Db_lundef=false
# The release build: -O3 sees through more code than the test builds, so its warnings count too, and
# it is the static PIE that bench/run.sh measures, so its integration suite runs as well.
setup release gcc --buildtype=release -Dstatic=true -Dpkg_config_path="$("$src/tools/libsystemd-static.sh")"

failed=0
run_suites() { # NAME SUITES...
        local name=$1 args=()
        shift
        for suite in "$@"; do args+=(--suite "$suite"); done
        echo "=== $name: $*"
        ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
                meson test -C "$out/$name" "${args[@]}" --print-errorlogs || failed=1
}

run_suites gcc unit integration
run_suites clang unit
run_suites asan unit integration
run_suites release unit integration

# Last: it takes minutes. run.sh bounds itself (20 min); the timeout here is the backstop. The
# static release build once more under systemd on cgroup v2, where it talks to systemd over sd-bus.
echo "=== vm: tests/vm/run.sh $out/gcc"
timeout -k 30 1260 "$src/tests/vm/run.sh" "$out/gcc" | tee "$out/vm-tap.txt" || failed=1
echo "=== vm: tests/vm/run.sh $out/release (cgroups, boot, seccomp)"
timeout -k 30 1260 "$src/tests/vm/run.sh" "$out/release" '^t_cgroup_' '^t_boot_systemd_' '^t_seccomp_' |
        tee "$out/vm-release-tap.txt" || failed=1

# One closing line over every TAP result of every run.
passed=0 fails=0 skipped=0
for log in "$out"/{gcc,clang,asan,release}/meson-logs/testlog.txt "$out"/vm{,-release}-tap.txt; do
        [ -f "$log" ] || continue
        p=$(grep -cE '^ok [0-9]+' "$log" || true)
        s=$(grep -cE '^ok [0-9]+.*# (SKIP|skip)' "$log" || true)
        f=$(grep -cE '^not ok [0-9]+' "$log" || true)
        passed=$((passed + p - s)) skipped=$((skipped + s)) fails=$((fails + f))
done
echo "tests: $passed passed, $fails failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$fails" -eq 0 ]
