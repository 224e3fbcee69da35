#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The privileged integration suite: starts real containers with `syscon run` on a busybox tree and
# checks from inside with the static helper. TAP on stdout, then "integration: N passed, N failed".
#
#   SYSCON=build/src/syscon SYSCON_TEST_HELPER=build/tests/helper/syscon-test-helper \
#           tests/integration/run.sh [REGEX]
#
# REGEX selects the tests whose function name or description matches (the leak check always runs).
# meson runs it as the "integration" test with these variables set. Needs root; without root it
# skips, unless CI=true, where a skip is a failure (and so is a skipped test). Each test runs in a
# subshell of its own, with a time limit (TEST_TIMEOUT seconds, or what the test registered with
# register_slow, scaled alike), and cleans up after itself; the leak check at the end compares the
# host with snapshots taken before the first test.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SYSCON_SOURCE_ROOT=${SYSCON_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
TEST_TIMEOUT=${TEST_TIMEOUT:-45}
filter=${1:-}

bail() { # MESSAGE: the suite cannot run at all
        echo "1..1"
        echo "not ok 1 - integration suite setup"
        echo "# $1"
        echo "integration: 0 passed, 1 failed"
        exit 1
}

if [ "$(id -u)" != 0 ]; then
        if [ "${CI:-}" = true ]; then
                bail "needs root, and CI=true: a skipped privileged suite is a failure in CI"
        fi
        echo "1..0 # SKIP needs root"
        exit 0
fi

if [ -z "${SYSCON:-}" ] || [ ! -x "$SYSCON" ]; then
        bail "SYSCON must name the built syscon (got '${SYSCON:-}')"
fi
if [ -z "${SYSCON_TEST_HELPER:-}" ] || [ ! -x "$SYSCON_TEST_HELPER" ]; then
        bail "SYSCON_TEST_HELPER must name the built syscon-test-helper (got '${SYSCON_TEST_HELPER:-}')"
fi
SYSCON=$(realpath "$SYSCON")
SYSCON_TEST_HELPER=$(realpath "$SYSCON_TEST_HELPER")
for tool in timeout env readelf sha256sum cmp find ip nsenter unshare; do
        command -v "$tool" >/dev/null || bail "$tool not found"
done

# A variable of the host's that must never reach a container (t_environment_*).
export SYSCON_LEAK_CHECK=1
export LC_ALL=C

RUN_ID=$$
WORK=$(mktemp -d "/tmp/syscon-it-$RUN_ID-XXXXXX") || bail "mktemp failed"
BASE_TREE=$WORK/sitb-$RUN_ID
mkdir "$WORK/trees" "$WORK/logs" "$WORK/snap" "$WORK/cwd" "$WORK/t"

# The traps below are this shell's alone. bash (5.2) runs them in a child it has forked for a command
# but not yet exec'd, should SIGTERM reach the child in that window: the EXIT trap first of all,
# which removed WORK under the running suite when the watchdog of a test that had just ended got
# its SIGTERM too early (t_runner_child_keeps_work).
cleanup_work() {
        [ "$BASHPID" = "$$" ] || return 0
        # Only unmount what lives under WORK (a failed test may have left a mount), deepest first.
        local mp
        awk -v w="$WORK" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
                while read -r mp; do umount -l "$mp" 2>/dev/null; done
        rm -rf --one-file-system "$WORK"
}
trap cleanup_work EXIT
# Interrupted (Ctrl-C, meson's timeout): stop the running test, whose traps clean up, then leave.
current_test= current_watchdog=
abort() {
        [ "$BASHPID" = "$$" ] || exit 143
        if [ -n "$current_watchdog" ]; then
                kill -KILL "$current_watchdog" 2>/dev/null
                wait "$current_watchdog" 2>/dev/null
        fi
        [ -z "$current_test" ] || kill_descendants "$current_test"
        exit 130
}
trap abort INT TERM

if ! build_log=$("$SYSCON_SOURCE_ROOT/tests/fixtures/busybox-tree.sh" "$BASE_TREE" "$SYSCON_TEST_HELPER" 2>&1); then
        bail "building the busybox tree failed: $build_log"
fi

# shellcheck source=lib.sh
. "$here/lib.sh"

tests=() names=() limits=() leak_checks=() leak_names=() setups=()
# Returns 0 when REGEX selected the test, so that a file can prepare only what its selected tests need.
register() { # FUNCTION DESCRIPTION
        register_slow "$1" "$2" 45
}
# A test that needs more than TEST_TIMEOUT's default of 45 s: SECONDS, scaled as TEST_TIMEOUT is.
register_slow() { # FUNCTION DESCRIPTION SECONDS
        if [ -z "$filter" ] || [[ $1 =~ $filter ]] || [[ $2 =~ $filter ]]; then
                tests+=("$1")
                names+=("$2")
                limits+=("$(($3 * TEST_TIMEOUT / 45))")
                return 0
        fi
        return 1
}
# FUNCTION runs once all files are read and before the first test (and the leak check's
# snapshots): it builds the fixtures the selected tests need. Its output goes to the TAP stream as
# diagnostics; its status is not checked (a test whose fixture is missing skips or fails).
register_setup() { # FUNCTION
        setups+=("$1")
}
register_leak_check() { # FUNCTION DESCRIPTION
        leak_checks+=("$1")
        leak_names+=("$2")
}

# In this order (cheap and basic first, the 200 runs last), then any file not listed (the boots).
order=(pid env fs exit signal hostile userns network leaks)
files=()
for area in "${order[@]}"; do
        files+=("$here/test-$area.sh")
done
for f in "$here"/test-*.sh; do
        [[ " ${files[*]} " == *" $f "* ]] || files+=("$f")
done
for f in "${files[@]}"; do
        # shellcheck source=/dev/null
        . "$f"
done
for setup in "${setups[@]}"; do
        # Not in a pipeline: what it sets must stay in this shell.
        "$setup" >"$WORK/logs/setup-$setup.log" 2>&1
        sed 's/^/# /' "$WORK/logs/setup-$setup.log"
done

# Snapshots for the leak check, taken once everything the suite itself needs exists.
# (From a child, so that the redirection does not show among the shell's own fds.)
own_fds >"$WORK/snap/fds" &
wait $!
cgroup_dirs >"$WORK/snap/cgroups"
host_entries >"$WORK/snap/host-entries"
host_mounts_fingerprint >"$WORK/snap/host-mounts"
tree_listing "$BASE_TREE" >"$WORK/snap/base-tree"
dir_key "$BASE_TREE" >"$WORK/snap/tree-keys"

passed=0 failed=0 skipped=0 n=0
echo "1..$((${#tests[@]} + ${#leak_checks[@]}))"

# Runs one test function in a subshell with its own scratch dir, output in a log, a time limit;
# prints its TAP line (and the log as diagnostics when it failed).
run_one() { # FUNCTION DESCRIPTION SECONDS
        local fn=$1 desc=$2 limit=$3 log pid watchdog rc finished start ms
        n=$((n + 1))
        start=${EPOCHREALTIME/./}
        log=$WORK/logs/$n-$fn.log
        T=$WORK/t/$n
        SKIP_FILE=$T.skip
        mkdir "$T"
        (
                cd "$WORK/cwd" || exit 1
                trap run_cleanups EXIT
                trap 'exit 143' TERM
                "$fn"
                exit 0 # a failed assertion exits on its own; what the last command returned does not count
        ) </dev/null >>"$log" 2>&1 & # appending, as the TIMEOUT line below does: neither overwrites the other
        pid=$!
        current_test=$pid
        sleep "$limit" &
        watchdog=$!
        current_watchdog=$watchdog
        wait -n -p finished "$pid" "$watchdog"
        rc=$?
        if [ "$finished" = "$pid" ]; then
                # SIGKILL, which no trap sees: a quick test ends before its watchdog has become
                # sleep, and a SIGTERM in that window ran this shell's EXIT trap in the watchdog,
                # or got lost there, so that sleep ran and this wait took the test's whole limit.
                kill -KILL "$watchdog"
                wait "$watchdog" 2>/dev/null
        else
                echo "TIMEOUT: the test ran longer than ${limit}s" >>"$log"
                kill_descendants "$pid"
                wait "$pid"
                rc=1
        fi
        current_test= current_watchdog=
        ms=$(((${EPOCHREALTIME/./} - start) / 1000))
        case "$rc" in
        0)
                echo "ok $n - $desc"
                passed=$((passed + 1))
                ;;
        77)
                if [ "${CI:-}" = true ]; then
                        echo "not ok $n - $desc"
                        echo "# skipped, and CI=true: a skipped privileged test is a failure in CI"
                        sed 's/^/# /' "$log" "$SKIP_FILE"
                        failed=$((failed + 1))
                else
                        echo "ok $n - $desc # SKIP $(cat "$SKIP_FILE" 2>/dev/null)"
                        skipped=$((skipped + 1))
                fi
                ;;
        *)
                echo "not ok $n - $desc"
                sed 's/^/# /' "$log"
                failed=$((failed + 1))
                ;;
        esac
        [ "$ms" -lt 3000 ] || echo "# ($fn took $((ms / 1000)).$((ms % 1000 / 100)) s)"
        rm -rf --one-file-system "$T" "$SKIP_FILE"
}

# TERM to a runaway test's whole process tree (so its traps run), then KILL what is left.
kill_descendants() { # PID
        local all=() p queue=("$1")
        while [ ${#queue[@]} -gt 0 ]; do
                p=${queue[0]}
                queue=("${queue[@]:1}")
                all+=("$p")
                # shellcheck disable=SC2207
                queue+=($(ps -o pid= --ppid "$p" 2>/dev/null))
        done
        kill -TERM "${all[@]}" 2>/dev/null
        sleep 2
        kill -KILL "${all[@]:1}" 2>/dev/null
}

for i in "${!tests[@]}"; do
        run_one "${tests[i]}" "${names[i]}" "${limits[i]}"
done
for i in "${!leak_checks[@]}"; do
        run_one "${leak_checks[i]}" "${leak_names[i]}" "$TEST_TIMEOUT"
done

summary="integration: $passed passed, $failed failed"
[ "$skipped" -eq 0 ] || summary+=", $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
