#!/bin/sh
# The boot tests' probe inside a booted guest (systemd, sysvinit or busybox init): test-boot.sh
# installs it in the guest tree as /usr/local/sbin/syscon-test-record and has the guest's init run
#   syscon-test-record boot   once per boot, when the init has brought the system up
#   syscon-test-record stop   while the init shuts the system down (poweroff, halt or reboot)
# It records into /var/lib/syscon-test, which the test reads from the host through the tree:
#   boot-N/KEY   what the guest saw on boot N, one file per observation (stderr in KEY.err)
#   events       one line per boot ("boot N", written once boot-N is complete) and per shutdown
#                ("stop N" and, under sysvinit, the runlevel it goes to)
# then does line N of /var/lib/syscon-test/plan: poweroff, reboot, halt, exit CODE (systemd only:
# `systemctl exit CODE`) or wait (nothing: the test shuts the guest down from outside).
# POSIX sh: it runs under dash and busybox sh. Never fails the boot: a failed observation is data.
dir=/var/lib/syscon-test
helper=/usr/local/bin/syscon-test-helper
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

boots() {
        cat "$dir/boots" 2>/dev/null || echo 0
}

# KEY COMMAND...: COMMAND's stdout in boot-N/KEY, its stderr in boot-N/KEY.err (when it has any).
rec() {
        key=$1
        shift
        "$@" >"$obs/$key" 2>"$obs/$key.err"
        [ -s "$obs/$key.err" ] || rm -f "$obs/$key.err"
}

# The fstype of the mount on PATH, read from mountinfo (after the " - " separator).
fstype_of() { # PATH
        awk -v p="$1" '$5 == p { for (i = 7; i <= NF; i++) if ($i == "-") { t = $(i + 1) } } END { print t }' \
                /proc/self/mountinfo
}

observe_common() {
        rec pid1_exe readlink /proc/1/exe
        rec pid1_comm cat /proc/1/comm
        rec pid1_container_env sh -c "tr '\\000' '\\n' </proc/1/environ | grep '^container'"
        rec pid1_cgroup cat /proc/1/cgroup
        rec container_manager cat /run/host/container-manager
        rec container_uuid cat /run/host/container-uuid
        rec hostname cat /proc/sys/kernel/hostname
        rec machine_id cat /etc/machine-id
        rec boot_id cat /proc/sys/kernel/random/boot_id
        rec uid_map cat /proc/self/uid_map
        rec gid_map cat /proc/self/gid_map
        rec mountinfo cat /proc/self/mountinfo
        rec cgroup_fstype fstype_of /sys/fs/cgroup
        rec proc_sys_statvfs "$helper" statvfs /proc/sys
        rec proc_sys_write "$helper" try-open /proc/sys/kernel/domainname w
        rec sys_statvfs "$helper" statvfs /sys
}

observe_systemd() {
        # Type=simple: the boot does not wait for this unit, so --wait can see it finish.
        rec state systemctl is-system-running --wait
        rec failed systemctl --failed --plain --no-legend --no-pager
        rec virt systemd-detect-virt -c
        rec journal_warnings journalctl -b -p warning --no-pager -o short-monotonic
        rec cgroup_root ls /sys/fs/cgroup
}

boot() {
        mkdir -p "$dir"
        n=$(($(boots) + 1))
        echo "$n" >"$dir/boots"
        obs=$dir/boot-$n
        rm -rf "$obs"
        mkdir "$obs"
        observe_common
        case "$(cat /proc/1/comm)" in
        systemd) observe_systemd ;;
        init) command -v runlevel >/dev/null && rec runlevel runlevel ;;
        esac
        action=$(sed -n "${n}p" "$dir/plan" 2>/dev/null)
        echo "$action" >"$obs/action"
        echo "boot $n" >>"$dir/events"
        sync
        case "$action" in
        poweroff | reboot | halt) "$action" ;;
        exit\ *) systemctl exit "${action#exit }" ;;
        esac
}

stop() {
        echo "stop $(boots)${RUNLEVEL:+ $RUNLEVEL}" >>"$dir/events"
        sync
}

case "${1:-}" in
boot) boot ;;
stop) stop ;;
*)
        echo "usage: syscon-test-record boot|stop" >&2
        exit 2
        ;;
esac
exit 0
