# shellcheck shell=bash
# Signals sent to syscon reach the container: SIGTERM/SIGINT become --kill-signal to PID 1, which
# forwards it to COMMAND; a second one kills the container.

# Sends SIG to syscon and expects COMMAND to report WANT and exit with 3, within 10 s.
expect_forwarded() { # SIG WANT-SIGNAL-NUMBER
        kill -s "$1" "$BG_PID"
        if ! wait_pid "$BG_PID" 10; then
                bg_output_to_out
                fail "syscon still runs 10 s after SIG$1"
        fi
        bg_output_to_out
        expect_eq "$(kv signal)" "$2" "signal COMMAND received after SIG$1 to syscon"
        expect_eq "$(kv sender_pid)" 1 "sender of that signal (syscon-init)"
        expect_rc 3
}

t_sigterm_forwarded() {
        start_bg "$BASE_TREE" -- wait-signal 3
        expect_forwarded TERM 15
}
register t_sigterm_forwarded "SIGTERM to syscon reaches COMMAND as SIGTERM, sent by PID 1"

t_sigint_forwarded() {
        start_bg "$BASE_TREE" -- wait-signal 3
        expect_forwarded INT 15
}
register t_sigint_forwarded "SIGINT to syscon reaches COMMAND as the kill signal (SIGTERM)"

t_kill_signal_option() {
        start_bg "$BASE_TREE" --kill-signal=SIGUSR1 -- wait-signal 3
        expect_forwarded TERM 10
        start_bg "$BASE_TREE" --kill-signal=SIGINT -- wait-signal 3
        expect_forwarded INT 2
}
register t_kill_signal_option "--kill-signal=SIGUSR1/SIGINT: what COMMAND receives when syscon gets SIGTERM/SIGINT"

t_second_sigterm_kills() {
        local tree left
        new_tree second-sigterm
        tree=$NEW_TREE
        start_bg "$tree" -- ignore-signal TERM
        kill -TERM "$BG_PID"
        sleep 1
        kill -0 "$BG_PID" 2>/dev/null || fail "the container ended on the first SIGTERM, which COMMAND ignores"
        [ -n "$(procs_under "$tree")" ] || fail "no container process left after the first SIGTERM"
        kill -TERM "$BG_PID"
        if ! wait_pid "$BG_PID" 5; then
                fail "syscon still runs 5 s after the second SIGTERM"
        fi
        echo "exit status after the second SIGTERM: $RC"
        [ "$RC" -ne 0 ] || fail "exit status 0 after the container was killed"
        left=$(procs_under "$tree")
        [ -z "$left" ] || fail "container processes left after the second SIGTERM: $left"
}
register t_second_sigterm_kills "a COMMAND that ignores SIGTERM dies on the second SIGTERM to syscon; nothing is left"

# timeout(1) passes a SIGTERM on to syscon and then to its own process group, syscon included: one
# request that arrives twice, microseconds apart. It must stop the container cleanly, never escalate
# to SIGKILL (137). The race loses about one run in six without the fix, so it is tried a dozen times.
t_timeout_sigterm_is_one_request() {
        local i tpid rc
        for i in $(seq 12); do
                : >"$T/out-$i"
                timeout 30 "$SYSCON" run -q "$BASE_TREE" /bin/sh -c \
                        'trap "exit 7" TERM; echo up; while :; do sleep 0.1; done' >"$T/out-$i" 2>"$T/err-$i" &
                tpid=$!
                wait_for_line "$T/out-$i" '^up$' 10 || fail "run $i: the command did not start: $(cat "$T/err-$i")"
                kill -TERM "$tpid"
                rc=0
                wait "$tpid" || rc=$?
                [ "$rc" = 7 ] || fail "run $i: exit status $rc under timeout(1), want 7 (the command's trap); stderr: $(cat "$T/err-$i")"
        done
        expect_eq "$(procs_of_syscon)" "" "syscon processes"
}
register t_timeout_sigterm_is_one_request "a SIGTERM to timeout(1), which signals syscon and then its process group, stops the container cleanly (12 runs)"

t_pid1_forwards_signals() {
        local sig num
        for sig in HUP:1 QUIT:3 USR1:10 USR2:12 WINCH:28 TERM:15 INT:2; do
                num=${sig#*:} sig=${sig%%:*}
                in_tree "$BASE_TREE" -- wait-signal 3 "$sig"
                expect_eq "$(kv signal)" "$num" "signal COMMAND received after it sent SIG$sig to PID 1"
                expect_eq "$(kv sender_pid)" 1 "sender of SIG$sig (syscon-init)"
                expect_rc 3
        done
}
register t_pid1_forwards_signals "syscon-init forwards SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGTERM, SIGINT to COMMAND"

t_supervisor_death_kills_container() {
        local tree left opts
        new_tree supervisor-death
        tree=$NEW_TREE
        # With a user namespace the child changes credentials, which clears a parent-death signal
        # set before: both ways must hold.
        for opts in --private-users=pick --private-users=no; do
                start_bg "$tree" "$opts" -- ignore-signal TERM
                kill -KILL "$BG_PID"
                wait "$BG_PID" 2>/dev/null
                sleep 0.5
                left=$(procs_under "$tree")
                [ -z "$left" ] || fail "container processes left after SIGKILL of the supervisor ($opts): $left"
        done
        # The killed supervisor's ID range lease is stale now: the next start finds and drops it.
        observe "$tree" -- pid
}
register t_supervisor_death_kills_container "SIGKILL of the supervisor kills the container, with and without a user namespace"

# A tracer of PID 1 (strace -p, gdb, the RSS benchmark) reaps its zombie before syscon can: syscon's
# pidfd turns readable at the exit, but waitid() finds nothing until the tracer lets go. syscon used
# to miss that second wakeup and wait forever.
t_traced_pid1_exit() {
        local init= tracer child
        start_bg "$BASE_TREE" -- wait-signal 3
        # The container's PID 1 is PID 1 in its own namespace; under systemd syscon has a second
        # child, the holder of its scope.
        for child in $(cat "/proc/$BG_PID/task/$BG_PID/children"); do
                grep -Eq '^NSpid:.*[[:space:]]1$' "/proc/$child/status" && init=$child
        done
        [ -n "$init" ] || fail "syscon has no child that is a container's PID 1"
        "$SYSCON_TEST_HELPER" trace-exit "$init" 1000 >"$T/trace-out" 2>"$T/trace-err" &
        tracer=$!
        on_exit "kill -KILL $tracer 2>/dev/null; wait $tracer 2>/dev/null"
        wait_for_line "$T/trace-out" '^traced=1$' 5 || fail "the tracer did not attach: $(cat "$T/trace-err")"
        kill -TERM "$BG_PID"
        wait_pid "$BG_PID" 10 || fail "syscon still runs 10 s after SIGTERM, once a tracer held PID 1's zombie for 1 s"
        cp "$T/bg-out" "$T/out"
        cp "$T/bg-err" "$T/err"
        expect_rc 3
        expect_eq "$(kv released "$T/trace-out")" 1 "the tracer reaped PID 1 first"
        expect_eq "$(kv status "$T/trace-out")" 3 "PID 1's exit status, as the tracer saw it"
}
register t_traced_pid1_exit "syscon ends with COMMAND's status when a tracer of PID 1 reaps it late"
