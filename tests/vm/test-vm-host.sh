# shellcheck shell=bash
# Facts about the host the VM tier stands for: systemd as PID 1, pure cgroup v2, the suite running
# in a delegated unit cgroup. tests/vm/run.sh adds this file to the integration suite it runs in the
# VM only: on the project machines (hybrid cgroups, no systemd) these facts do not hold.
# The cgroup tests are what the cgroup work builds on: where a launcher started by a unit sits,
# what it may do there, and what it may not.

VM_UNIT=syscon-vm.service

# The cgroup of process PID (default: this shell), relative to /sys/fs/cgroup.
vm_cgroup_of() { # [PID]
        sed -n 's/^0:://p' "/proc/${1:-$BASHPID}/cgroup"
}

# Fails unless every controller named is listed in FILE.
vm_expect_controllers() { # FILE CONTROLLER...
        local file=$1 have c
        shift
        have=" $(cat "$file") "
        for c in "$@"; do
                [[ $have == *" $c "* ]] || fail "controller $c missing from $file (it has:$have)"
        done
}

t_vm_host_is_cgroup2() {
        expect_eq "$(stat -fc %T /sys/fs/cgroup)" cgroup2fs "file system type of /sys/fs/cgroup"
        expect_eq "$(awk '$3 == "cgroup" { print $2 }' /proc/self/mounts)" "" "cgroup v1 hierarchies mounted"
        expect_eq "$(grep -c '' /proc/self/cgroup)" 1 "lines in /proc/self/cgroup (one hierarchy)"
        vm_expect_controllers /sys/fs/cgroup/cgroup.controllers cpu memory pids io
}
register t_vm_host_is_cgroup2 "/sys/fs/cgroup is cgroup2 alone, with cpu, memory, pids and io"

t_vm_host_pid1_is_systemd() {
        expect_eq "$(cat /proc/1/comm)" systemd "PID 1's name"
        expect_eq "$(basename "$(readlink /proc/1/exe)")" systemd "PID 1's executable"
        expect_eq "$(systemctl is-system-running 2>&1)" running "systemctl is-system-running"
        expect_eq "$(systemctl show -P ActiveState dbus.socket)" active "dbus.socket state"
        # machined is started on demand over D-Bus; that it is installed is what counts.
        expect_eq "$(systemctl show -P LoadState systemd-machined.service)" loaded "systemd-machined.service"
}
register t_vm_host_pid1_is_systemd "PID 1 is systemd, the system is running, D-Bus and machined are there"

t_vm_suite_in_delegated_unit_cgroup() {
        local cg
        cg=$(systemctl show -P ControlGroup "$VM_UNIT")
        expect_ne "$cg" "" "$VM_UNIT's ControlGroup"
        expect_eq "$(vm_cgroup_of)" "$cg" "the test's cgroup"
        expect_eq "$(systemctl show -P Delegate "$VM_UNIT")" yes "$VM_UNIT's Delegate="
        # What cgroup limits (MemoryMax, TasksMax, CPUQuota) need below the launcher's cgroup.
        vm_expect_controllers "/sys/fs/cgroup$cg/cgroup.controllers" cpu memory pids
        # Delegated: the unit's processes, not systemd, decide what its children get.
        expect_eq "$(cat "/sys/fs/cgroup$cg/cgroup.subtree_control")" "" "$cg/cgroup.subtree_control"
}
register t_vm_suite_in_delegated_unit_cgroup "a process started by the unit sits in its delegated cgroup with cpu, memory, pids"

t_vm_unit_cgroup_no_internal_processes() {
        local cg probe pid
        cg=/sys/fs/cgroup$(vm_cgroup_of)
        # cgroup v2 gives a domain controller to the children of a cgroup only while it holds no
        # process itself: a launcher must first leave the cgroup it was started in (for a leaf of
        # its own) before its containers can have a memory limit there.
        if echo +memory 2>"$T/err" >"$cg/cgroup.subtree_control"; then
                echo -memory >"$cg/cgroup.subtree_control"
                fail "enabling memory for the children of $cg worked while it holds processes"
        fi
        grep -q 'Device or resource busy' "$T/err" || fail "enabling memory in $cg: $(cat "$T/err"), want EBUSY"
        # A child cgroup can be made and a process moved into it (the delegation works), but it
        # gets no controller.
        probe=$cg/syscon-vm-probe-$BASHPID
        mkdir "$probe" || fail "cannot create $probe"
        on_exit "rmdir '$probe'"
        sleep 60 &
        pid=$!
        on_exit "kill $pid; wait $pid 2>/dev/null"
        echo "$pid" >"$probe/cgroup.procs" || fail "cannot move $pid into $probe"
        expect_eq "/sys/fs/cgroup$(vm_cgroup_of "$pid")" "$probe" "the moved process's cgroup"
        expect_eq "$(cat "$probe/cgroup.controllers")" "" "$probe/cgroup.controllers"
}
register t_vm_unit_cgroup_no_internal_processes "the unit's cgroup holds processes, so its children get no memory controller (EBUSY)"

t_vm_syscon_libraries_present() {
        local missing
        missing=$(ldd "$SYSCON" 2>&1 | grep 'not found')
        expect_eq "$missing" "" "libraries of $SYSCON the image lacks (add them to tests/vm/packages)"
}
register t_vm_syscon_libraries_present "every shared library syscon needs is in the image"

t_vm_debian_tree_runs() {
        local tree
        # The VM has no network: the fixture must find the tree the host put on its disk.
        tree=$("$SYSCON_SOURCE_ROOT/tests/fixtures/debian-tree.sh" 2>&1) || fail "debian-tree.sh: $tree"
        [ -x "$tree/usr/lib/systemd/systemd" ] || fail "$tree has no systemd"
        sc run -q "$tree" /usr/bin/cat /etc/debian_version
        expect_rc 0
        expect_match "$(cat "$T/out")" '^12\.' "the tree's /etc/debian_version"
}
register t_vm_debian_tree_runs "the Debian test tree is in the VM where debian-tree.sh finds it, and syscon runs it"
