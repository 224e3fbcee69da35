#!/bin/bash
# Runs inside the VM, as root under the VM's systemd (syscon-vm.service), from the payload disk that
# tests/vm/run.sh made. Writes TAP to the second serial port, which the host reads and renumbers:
# first the facts that make this tier worth having (pure cgroup v2, systemd as PID 1, a booted
# system), then smoke checks of syscon itself, then the privileged integration suite. Full logs go to
# results/ on the payload disk, which the host reads back after QEMU exits.
set -u

payload=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
. "$payload/tests.env"
results=$payload/results
mkdir -p "$results"

# Raw, so that the host gets \n and not \r\n; a fast line, so that a long suite output is not slowed.
stty -F /dev/ttyS1 raw -echo 115200 2>/dev/null
exec 3>/dev/ttyS1

tap() { printf '%s\n' "$*" >&3; }
check() { # DESCRIPTION COMMAND...: one TAP line for COMMAND's status
        local desc=$1
        shift
        if "$@" >"$results/check.out" 2>&1; then
                tap "ok - $desc"
        else
                tap "not ok - $desc"
                sed 's/^/# /' "$results/check.out" >&3
        fi
}
# Lines that are not TAP become TAP comments, so that the host passes them on as diagnostics.
as_tap() { sed -u -E '/^(ok|not ok|Bail out!|#)( |$)/!{/^1\.\.[0-9]+/!s/^/# /}' >&3; }

tap "SYSCON-VM BEGIN"

# --- facts about the host this tier stands for ---
cgroupfs=$(stat -fc %T /sys/fs/cgroup)
check "/sys/fs/cgroup is cgroup2fs (found $cgroupfs)" test "$cgroupfs" = cgroup2fs
pid1=$(readlink /proc/1/exe)
check "PID 1 is systemd (found $pid1, $(cat /proc/1/comm))" \
        test "$(cat /proc/1/comm)" = systemd -a "${pid1##*/}" = systemd
# --wait: the state the boot ends in, not a snapshot of it still starting.
state=$(timeout 120 systemctl is-system-running --wait 2>&1)
if [ "$state" = running ]; then
        tap "ok - systemctl is-system-running is running"
else
        tap "not ok - systemctl is-system-running is running (found ${state:-nothing})"
        systemctl --failed --no-legend --plain 2>&1 | sed 's/^/# failed unit: /' >&3
fi
{
        uname -a
        systemctl --version | head -n 1
        systemd-analyze 2>&1 | head -n 1
} | sed 's/^/# /' >&3

# --- syscon itself ---
syscon=$payload/build/src/syscon
helper=$payload/build/tests/helper/syscon-test-helper
source_root=$payload/source
missing=$(ldd "$syscon" 2>&1 | grep 'not found')
check "syscon's shared libraries are all in the image" test -z "$missing"
[ -z "$missing" ] || tap "# $missing (add the package to tests/vm/packages)"

tree=/var/tmp/syscon-vm-busybox
rm -rf --one-file-system "$tree"
if ! "$source_root/tests/fixtures/busybox-tree.sh" "$tree" "$helper" >"$results/busybox-tree.log" 2>&1; then
        tap "# tests/fixtures/busybox-tree.sh failed ($(tail -n 1 "$results/busybox-tree.log")): a tree of its own"
        rm -rf --one-file-system "$tree"
        mkdir -p "$tree/bin" "$tree/proc" "$tree/sys" "$tree/dev" "$tree/tmp" "$tree/run" "$tree/etc"
        cp /bin/busybox "$tree/bin/busybox"
        for applet in sh true false cat ls echo; do ln -s busybox "$tree/bin/$applet"; done
        echo "root:x:0:0:root:/root:/bin/sh" >"$tree/etc/passwd"
fi
[ -e "$tree/usr/bin/syscon-test-helper" ] || install -D -m 0755 "$helper" "$tree/usr/bin/syscon-test-helper"

check "syscon run TREE /bin/true exits 0" "$syscon" run "$tree" /bin/true
run_helper() {
        "$syscon" run "$tree" /usr/bin/syscon-test-helper
        local r=$?
        # 125-127: syscon could not start it; anything else is the helper's own answer.
        echo "syscon run exited $r"
        [ "$r" -lt 125 ]
}
check "syscon run TREE syscon-test-helper starts the helper" run_helper
# Under systemd every mount is shared: a launcher that does not make its mount namespace private
# before mounting leaks the container's mounts into the host's namespace.
mounts_below() { awk -v t="$1" '$5 == t || index($5, t "/") == 1 { print $5 }' /proc/self/mountinfo | sort -ru; }
leaked=$(mounts_below "$tree")
check "syscon run left no mounts behind in the host's mount namespace" test -z "$leaked"
[ -z "$leaked" ] || printf '# leaked mount: %s\n' $leaked >&3
# Leaked mounts can be stacked (propagated twice): unmount until nothing is left.
for _ in 1 2 3 4 5; do
        left=$(mounts_below "$tree")
        [ -n "$left" ] || break
        for m in $left; do umount -l "$m" 2>/dev/null; done
done
rm -rf --one-file-system "$tree"

# --- the privileged integration suite, or the subset the host named ---
tap "# integration suite: ${SYSCON_TESTS:-all tests}"
# The names go in SYSCON_TESTS and, for a suite that filters by its REGEX argument instead, as an
# anchored alternation of them: either way the same tests run.
filter=()
# The suite's time limits are set for real hardware; TCG runs several times slower.
: "${SYSCON_VM_TEST_TIMEOUT:=90}" "${SYSCON_VM_SC_TIMEOUT:=30}"
[ -z "$SYSCON_TESTS" ] || filter=("^($(echo $SYSCON_TESTS | tr ' ' '|'))\$")
(
        cd "$source_root" &&
                SYSCON=$syscon SYSCON_TEST_HELPER=$helper SYSCON_SOURCE_ROOT=$source_root \
                        SYSCON_TESTS=$SYSCON_TESTS TEST_TIMEOUT=$SYSCON_VM_TEST_TIMEOUT \
                        SC_TIMEOUT=$SYSCON_VM_SC_TIMEOUT \
                        timeout -k 10 "$SYSCON_VM_SUITE_TIMEOUT" tests/integration/run.sh "${filter[@]}" </dev/null 2>&1
        echo "SYSCON-VM SUITE-EXIT $?"
) | tee "$results/integration.log" | as_tap
suite_exit=$(sed -n 's/^SYSCON-VM SUITE-EXIT //p' "$results/integration.log")

# Diagnostics for the host's log directory; the journal is volatile and dies with the VM.
journalctl -b --no-pager >"$results/journal.log" 2>&1
systemctl --failed --no-pager >"$results/failed-units.log" 2>&1
dmesg >"$results/dmesg.log" 2>&1

tap "SYSCON-VM END suite-exit=${suite_exit:-unknown}"
exec 3>&-
