# shellcheck shell=bash
# Exit status (docker run's convention) and standard I/O in pipe mode.

t_exit_status_passes_through() {
        local n
        for n in 0 1 42 255; do
                in_tree "$BASE_TREE" -- exit "$n"
                expect_rc "$n"
        done
        sc run "$BASE_TREE" /bin/false
        expect_rc 1
}
register t_exit_status_passes_through "exit status of COMMAND passes through (0, 1, 42, 255)"

t_exit_status_killed() {
        in_tree "$BASE_TREE" -- kill-self 9
        expect_rc 137
        in_tree "$BASE_TREE" -- kill-self 15
        expect_rc 143
        in_tree "$BASE_TREE" -- kill-self USR1
        expect_rc 138
}
register t_exit_status_killed "a COMMAND killed by signal N gives 128+N (137, 143, 138)"

# One message on stderr that says what the status says: "not found" for 127, "cannot be executed"
# for 126, with the command and the reason (strerror of execve's errno); the hint of the other
# status must not appear.
expect_exec_failure() { # STATUS COMMAND REASON
        local said hint other first
        expect_rc "$1"
        case "$1" in
        126) said="Command $2 cannot be executed in the container: $3." hint="chmod +x" other="not found" ;;
        127) said="Command $2 not found in the container: $3." hint="Check the name" other="chmod +x" ;;
        *) fail "expect_exec_failure: status $1 is not 126 or 127" ;;
        esac
        first=$(head -n 1 "$T/err")
        [[ $first == "syscon: $said "* ]] || fail "the message for $2: got ${first@Q}, want it to begin ${said@Q}"
        grep -qF -- "$hint" "$T/err" || fail "the message for $2 lacks the hint '$hint'"
        ! grep -qF -- "$other" "$T/err" || fail "the message for $2 (status $1) says '$other'"
        expect_eq "$(grep -c '' "$T/err")" 1 "lines on stderr"
}

t_exit_126_not_executable() {
        local tree
        new_tree not-executable
        tree=$NEW_TREE
        printf '#!/bin/sh\necho should-not-run\n' >"$tree/not-executable"
        chmod 0644 "$tree/not-executable"
        head -c 64 /dev/zero >"$tree/not-a-program"
        chmod 0755 "$tree/not-a-program"
        sc run -q "$tree" /not-executable
        expect_exec_failure 126 /not-executable "Permission denied"
        expect_empty_file "$T/out" "stdout"
        sc run -q "$tree" /etc
        expect_exec_failure 126 /etc "Permission denied"
        sc run -q "$tree" /not-a-program
        expect_exec_failure 126 /not-a-program "Exec format error"
}
register t_exit_126_not_executable "126 and \"cannot be executed\" when COMMAND exists but cannot run (mode 0644, a directory, no known format)"

t_exit_127_not_found() {
        sc run -q "$BASE_TREE" /sit/no/such/command
        expect_exec_failure 127 /sit/no/such/command "No such file or directory"
        sc run -q "$BASE_TREE" sit-no-such-command
        expect_exec_failure 127 sit-no-such-command "No such file or directory"
        # A host path that the tree does not have is not found either.
        sc run -q "$BASE_TREE" "$SYSCON"
        expect_exec_failure 127 "$SYSCON" "No such file or directory"
}
register t_exit_127_not_found "127 and \"not found\" when COMMAND does not exist in the tree (absolute, PATH lookup, host-only path)"

# A path that resolves to no file is not found, whatever stopped the lookup: a component that is
# not a directory, or a symlink loop. The tree's own shell (busybox ash, like Debian's dash) says so
# too; only bash calls these 126.
t_exit_127_path_does_not_resolve() {
        local tree
        new_tree path-does-not-resolve
        tree=$NEW_TREE
        ln -s sit-loop "$tree/sit-loop"
        sc run -q "$tree" /etc/passwd/x
        expect_exec_failure 127 /etc/passwd/x "Not a directory"
        sc run -q "$tree" /sit-loop
        expect_exec_failure 127 /sit-loop "Too many levels of symbolic links"
        sc run -q "$tree" /sit-loop/x
        expect_exec_failure 127 /sit-loop/x "Too many levels of symbolic links"
}
register t_exit_127_path_does_not_resolve "127 and \"not found\" for /etc/passwd/x (ENOTDIR) and a symlink loop (ELOOP)"

# syscon's status for a command that cannot start is the one the tree's own /bin/sh gives.
t_exit_status_agrees_with_the_trees_shell() {
        local tree cmd direct
        new_tree shell-agrees
        tree=$NEW_TREE
        ln -s sit-loop "$tree/sit-loop"
        printf '#!/bin/sh\n' >"$tree/not-executable"
        chmod 0644 "$tree/not-executable"
        for cmd in /etc/passwd/x /sit-loop /sit/no/such /not-executable /etc; do
                sc run -q "$tree" "$cmd"
                direct=$RC
                sc run -q "$tree" /bin/sh -c "$cmd"
                expect_eq "$direct" "$RC" "status of syscon run TREE $cmd (want that of /bin/sh -c $cmd)"
        done
}
register t_exit_status_agrees_with_the_trees_shell "the status for a command that cannot start is the tree's /bin/sh's (ENOTDIR, ELOOP, ENOENT, EACCES)"

t_exit_125_bad_option() {
        sc run --sit-no-such-option "$BASE_TREE" /bin/true
        expect_launcher_error --sit-no-such-option
        sc run --kill-signal=SIGSIT "$BASE_TREE" /bin/true
        expect_launcher_error SIGSIT
        sc run --console=sit-bogus "$BASE_TREE" /bin/true
        expect_launcher_error sit-bogus
        sc run --tmpfs=sit-relative "$BASE_TREE" /bin/true
        expect_launcher_error sit-relative
        sc run --chdir=sit-relative "$BASE_TREE" /bin/true
        expect_launcher_error sit-relative
}
register t_exit_125_bad_option "125 and one message naming the input for bad options (unknown, signal, console, tmpfs, chdir)"

t_exit_125_missing_tree() {
        sc run "$WORK/sit-no-such-tree" /bin/true
        expect_launcher_error "$WORK/sit-no-such-tree"
        [ ! -e "$WORK/sit-no-such-tree" ] || fail "the missing tree was created"
}
register t_exit_125_missing_tree "125 naming the tree when it does not exist"

t_exit_125_tree_is_file() {
        echo not-a-tree >"$T/sit-file-tree"
        sc run "$T/sit-file-tree" /bin/true
        expect_launcher_error "$T/sit-file-tree"
        expect_eq "$(cat "$T/sit-file-tree")" not-a-tree "the file given as tree"
}
register t_exit_125_tree_is_file "125 naming the tree when it is a regular file"

t_exit_125_bad_machine_name() {
        local name long
        long=$(printf 'a%.0s' {1..65})
        for name in 'sit/bad' 'sit bad' '-sitbad' "$long"; do
                sc run -M "$name" "$BASE_TREE" /bin/true
                expect_launcher_error "$name"
        done
        sc run --hostname='sit/bad' "$BASE_TREE" /bin/true
        expect_launcher_error 'sit/bad'
}
register t_exit_125_bad_machine_name "125 naming the name for bad machine and host names (/, space, leading -, 65 bytes)"

t_exit_125_bad_bind() {
        sc run --bind=sit-relative/path "$BASE_TREE" /bin/true
        expect_launcher_error sit-relative/path
        sc run --bind="$T:sit-relative-dst" "$BASE_TREE" /bin/true
        expect_launcher_error sit-relative-dst
        sc run --bind="$WORK/sit-no-such-source:/mnt" "$BASE_TREE" /bin/true
        expect_launcher_error "$WORK/sit-no-such-source"
        sc run --bind="$T:/mnt:sit-bogus" "$BASE_TREE" /bin/true
        expect_launcher_error sit-bogus
        sc run --bind-ro=sit-relative/path "$BASE_TREE" /bin/true
        expect_launcher_error sit-relative/path
}
register t_exit_125_bad_bind "125 naming the input for bad binds (relative source or target, missing source, bad option)"

t_directory_option() {
        sc run -D "$BASE_TREE" "$HELPER_IN_TREE" pid
        expect_rc 0
        expect_eq "$(kv pid)" 2 "COMMAND's pid with -D TREE"
        sc run --directory="$BASE_TREE" -- "$HELPER_IN_TREE" exit 7
        expect_rc 7
        sc run "$BASE_TREE" -- "$HELPER_IN_TREE" exit 8
        expect_rc 8
}
register t_directory_option "-D/--directory and -- work"

t_stdin_pipe() {
        local n opt
        n=$(echo hi | timeout -k 5 "$SC_TIMEOUT" "$SYSCON" run "$BASE_TREE" cat 2>"$T/err" | wc -c)
        expect_eq "$n" 3 "echo hi | syscon run T cat | wc -c"
        echo sit-in >"$T/in"
        for opt in -P --pipe --console=pipe; do
                SC_STDIN=$T/in sc run "$opt" "$BASE_TREE" /bin/cat
                expect_rc 0
                expect_eq "$(cat "$T/out")" sit-in "stdout of cat with $opt"
        done
}
register t_stdin_pipe "echo hi | syscon run T cat | wc -c prints 3; -P, --pipe, --console=pipe pass stdio"

t_console_passive() {
        sc run --console=passive "$BASE_TREE" /bin/echo sit-out
        expect_rc 0
        if grep -q sit-out "$T/out"; then
                fail "--console=passive forwarded COMMAND's output"
        fi
        sc run --console=passive "$BASE_TREE" "$HELPER_IN_TREE" exit 5
        expect_rc 5
}
register t_console_passive "--console=passive forwards nothing and still gives COMMAND's exit status"

t_binary_stream() {
        head -c 1048576 /dev/urandom >"$T/in"
        SC_STDIN=$T/in in_tree "$BASE_TREE" -- cat
        expect_rc 0
        cmp -s "$T/in" "$T/out" || fail "1 MiB through the helper's cat: $(wc -c <"$T/out") bytes came back, not byte-exact"
        SC_STDIN=$T/in sc run "$BASE_TREE" /bin/cat
        expect_rc 0
        cmp -s "$T/in" "$T/out" || fail "1 MiB through busybox cat: $(wc -c <"$T/out") bytes came back, not byte-exact"
}
register t_binary_stream "a 1 MiB binary stream round-trips byte-exact through stdin and stdout"

t_stdout_stderr_clean() {
        sc run "$BASE_TREE" /bin/echo sit-out
        expect_rc 0
        expect_eq "$(cat "$T/out")" sit-out "stdout of /bin/echo sit-out (nothing from the launcher)"
        sc run -q "$BASE_TREE" /bin/sh -c 'echo sit-err >&2'
        expect_rc 0
        expect_eq "$(cat "$T/err")" sit-err "stderr with -q (COMMAND's only)"
        expect_empty_file "$T/out" "stdout"
        sc run -q "$BASE_TREE" /bin/true
        expect_empty_file "$T/err" "stderr of a quiet successful run"
}
register t_stdout_stderr_clean "stdout and stderr carry COMMAND's output only (nothing else with -q)"
