# shellcheck shell=bash
# PID namespace and syscon-init: who is PID 1, what the command sees in /proc, reaping.

t_pid1_is_init_command_is_pid2() {
        observe "$BASE_TREE" -- pid
        expect_eq "$(kv pid)" 2 "COMMAND's pid"
        expect_eq "$(kv ppid)" 1 "COMMAND's parent pid"

        observe "$BASE_TREE" -- pid1-exe
        expect_match "$(kv exe)" '^/memfd:syscon-init' "readlink /proc/1/exe"
}
register t_pid1_is_init_command_is_pid2 "PID 1 is syscon-init (from a memfd) and COMMAND is PID 2"

# runc's CVE-2019-5736: the container reopened its runtime's binary through /proc/PID/exe and
# overwrote it on the host. syscon-init runs from a sealed memfd: not the host's file, not writable.
t_cve_2019_5736_pid1_exe_not_writable() {
        local before after host_ino
        before=$(sha256sum <"$SYSCON")
        host_ino=$(stat -L -c '%i' "$SYSCON")

        observe "$BASE_TREE" -- pid1-exe
        expect_eq "$(kv writable)" no "could write to /proc/1/exe"
        expect_ne "$(kv open_wronly)" ok "open(/proc/1/exe, O_WRONLY)"
        expect_ne "$(kv open_rdwr)" ok "open(/proc/1/exe, O_RDWR)"
        expect_eq "$(kv nlink)" 0 "link count of PID 1's executable (a file on disk has >= 1)"
        expect_ne "$(kv ino)" "$host_ino" "inode of PID 1's executable (the host's syscon binary)"

        after=$(sha256sum <"$SYSCON")
        expect_eq "$after" "$before" "checksum of the host's syscon binary"
}
register t_cve_2019_5736_pid1_exe_not_writable "cve-2019-5736: /proc/1/exe is a sealed memfd, not writable, not the host's binary"

t_only_container_pids() {
        observe "$BASE_TREE" -- pids
        expect_eq "$(kv_all pid)" "1 2" "pids in the container's /proc"
        expect_eq "$(awk '/^pid=1 / { print $2 }' "$T/out")" "ppid=0" "PID 1's parent"
        expect_eq "$(awk '/^pid=2 / { print $2 }' "$T/out")" "ppid=1" "PID 2's parent"
}
register t_only_container_pids "only the container's processes (1 and 2) are in /proc"

t_zombie_reaping() {
        observe "$BASE_TREE" -- orphans 60 5000
        expect_eq "$(kv orphans)" 60 "orphans created"
        expect_eq "$(kv reports)" 60 "orphans that reported in"
        expect_eq "$(kv reparented)" 60 "orphans reparented to PID 1"
        expect_eq "$(kv zombies)" 0 "zombies left after 5 s"
        expect_eq "$(kv others)" 1 "processes besides the helper (only PID 1 should remain)"
}
register t_zombie_reaping "syscon-init reaps 60 orphans: none left, no zombie"

t_command_signals_clean() {
        # The caller ignores SIGUSR1 and SIGHUP (and, as an async job of a script, SIGINT): none of
        # that may reach the command.
        trap '' USR1 HUP
        observe "$BASE_TREE" -- signals
        expect_eq "$(kv blocked)" 0000000000000000 "COMMAND's blocked signal mask"
        expect_eq "$(kv ignored)" 0000000000000000 "COMMAND's ignored signal mask"
}
register t_command_signals_clean "COMMAND starts with no signal blocked or ignored, whatever the caller ignored"
