#!/bin/bash
# Runs inside the VM, as root under the VM's systemd (syscon-vm.service), from the payload disk that
# tests/vm/run.sh made. Writes to the second serial port (ttyS1), which the host reads: the facts of
# this host as TAP comments, then the integration suite's TAP, framed by SYSCON-VM lines. Full logs
# go to results/ on the payload disk, which the host reads back after QEMU exits.
# tests.env gives SYSCON_VM_REGEX (the tests to run), SYSCON_VM_DEADLINE (guest uptime in seconds by
# which the suite must have ended), SYSCON_VM_TREES (test trees, one disk each, serial
# syscon-tree-N in this order), SYSCON_CACHE_DIR (where they go) and the suite's time limits.
set -u

payload=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
. "$payload/tests.env"
results=$payload/results
mkdir -p "$results"

# Raw, so that the host gets \n and not \r\n.
stty -F /dev/ttyS1 raw -echo 115200 2>/dev/null
exec 3>/dev/ttyS1
tap() { printf '%s\n' "$*" >&3; }
uptime_s() { cut -d. -f1 /proc/uptime; }

tap "SYSCON-VM BEGIN uptime=$(uptime_s)"

# The test trees, where tests/fixtures finds them. Disks are found by the serial the host gave them.
i=0
for name in $SYSCON_VM_TREES; do
        dev=
        for b in /sys/block/vd*; do
                [ "$(cat "$b/serial" 2>/dev/null)" != "syscon-tree-$i" ] || dev=/dev/${b##*/}
        done
        mkdir -p "$SYSCON_CACHE_DIR/trees/$name"
        if [ -z "$dev" ] || ! mount -t ext4 "$dev" "$SYSCON_CACHE_DIR/trees/$name" 2>"$results/mount.err"; then
                tap "SYSCON-VM ERROR cannot mount the disk of tree $name (serial syscon-tree-$i): $(cat "$results/mount.err")"
        fi
        i=$((i + 1))
done

# --wait: the state the boot ends in, not a snapshot of it still starting.
state=$(timeout 120 systemctl is-system-running --wait 2>&1)
[ "$state" = running ] || systemctl --failed --no-legend --plain 2>&1 | sed 's/^/# failed unit: /' >&3

# Facts for the work that builds on this tier; the tests in test-vm-host.sh assert the ones that
# must hold.
cg=$(sed -n 's/^0:://p' /proc/self/cgroup)
{
        echo "kernel: $(uname -r); $(systemctl --version | head -n 1)"
        echo "boot: $(systemd-analyze time 2>&1 | head -n 1)"
        echo "system state: $state"
        echo "/sys/fs/cgroup: $(stat -fc %T /sys/fs/cgroup)"
        echo "root cgroup.controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
        echo "root cgroup.subtree_control: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
        echo "PID 1: $(readlink /proc/1/exe) ($(cat /proc/1/comm))"
        echo "a process of syscon-vm.service sits in: $cg"
        echo "  Delegate=$(systemctl show -P Delegate syscon-vm.service)" \
                "DelegateControllers=$(systemctl show -P DelegateControllers syscon-vm.service)"
        echo "  its cgroup.controllers: $(cat "/sys/fs/cgroup$cg/cgroup.controllers")"
        echo "  its cgroup.subtree_control: $(cat "/sys/fs/cgroup$cg/cgroup.subtree_control")"
        echo "  its cgroup.type: $(cat "/sys/fs/cgroup$cg/cgroup.type")"
} | sed 's/^/# fact: /' >&3

tap "# integration suite, tests matching: $SYSCON_VM_REGEX"
remaining=$((SYSCON_VM_DEADLINE - $(uptime_s)))
[ "$remaining" -gt 30 ] || remaining=30
# Lines that are not TAP become TAP comments, so that the host passes them on as diagnostics.
as_tap() { sed -u -E '/^(ok|not ok|Bail out!|#)( |$)/!{/^1\.\.[0-9]+/!s/^/# /}' >&3; }
(
        cd "$payload/source" &&
                SYSCON=$payload/build/src/syscon \
                        SYSCON_TEST_HELPER=$payload/build/tests/helper/syscon-test-helper \
                        SYSCON_SOURCE_ROOT=$payload/source SYSCON_CACHE_DIR=$SYSCON_CACHE_DIR \
                        TEST_TIMEOUT=$SYSCON_VM_TEST_TIMEOUT SC_TIMEOUT=$SYSCON_VM_SC_TIMEOUT CI=true \
                        timeout -k 10 "$remaining" tests/integration/run.sh "$SYSCON_VM_REGEX" </dev/null 2>&1
        echo "SYSCON-VM SUITE-EXIT $?"
) | tee "$results/integration.log" | as_tap
suite_exit=$(sed -n 's/^SYSCON-VM SUITE-EXIT //p' "$results/integration.log")

# Diagnostics for the host's log directory; the journal is volatile and dies with the VM.
journalctl -b --no-pager >"$results/journal.log" 2>&1
systemctl --failed --no-pager >"$results/failed-units.log" 2>&1
dmesg >"$results/dmesg.log" 2>&1
for name in $SYSCON_VM_TREES; do umount "$SYSCON_CACHE_DIR/trees/$name" 2>/dev/null; done

tap "SYSCON-VM END suite-exit=${suite_exit:-unknown}"
exec 3>&-
