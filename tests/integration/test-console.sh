# shellcheck shell=bash
# The console's output when its reader misbehaves. The container floods a pty console
# (--console=read-only) whose output is a FIFO, and the reader stops reading: the pipe, syscon's
# buffer and the pty fill up. Once the container is gone, syscon still drains what the pty holds,
# but a reader that stopped (a hung terminal, a pipe to a stopped process) must not keep syscon,
# and so the container's cleanup, waiting for ever; a reader that goes away while syscon waits
# for it must not kill syscon with SIGPIPE.

CONSOLE_DRAIN_LIMIT=5 # CONSOLE_DRAIN_TIMEOUT_SEC, src/core/console.h

# Starts `syscon run --console=read-only` of a COMMAND that writes without end into a FIFO, stops
# the FIFO's reader once output came through, and gives the flood a moment to fill what is between
# them. Sets BG_PID (syscon) and READER.
start_flood_to_stopped_reader() {
        mkfifo "$T/pipe"
        cat "$T/pipe" >"$T/reader-got" &
        READER=$!
        on_exit "kill -KILL $READER 2>/dev/null; wait $READER 2>/dev/null; true"
        host_state_snapshot
        on_exit "kill_procs_under '$BASE_TREE'"
        SC_BG_OUT=$T/pipe sc_bg run --console=read-only "$BASE_TREE" /usr/bin/yes sit-flood
        wait_for_line "$T/reader-got" '^sit-flood' 10 || fail "no output from the container within 10 s"
        kill -STOP "$READER"
        sleep 1
}

# Sends SIGTERM to syscon: COMMAND (yes, blocked on its full console) dies of it.
stop_flood() {
        kill -TERM "$BG_PID"
        STOP_SENT=$SECONDS
}

expect_flood_ended_cleanly() {
        bg_output_to_out
        # 128 + SIGTERM: COMMAND's end, not syscon's own (141 would be SIGPIPE).
        expect_rc 143
        expect_eq "$(procs_under "$BASE_TREE")" "" "container processes after syscon exited"
        expect_host_state_unchanged
}

t_console_stopped_reader() {
        local limit=$((CONSOLE_DRAIN_LIMIT + 5))
        start_flood_to_stopped_reader
        stop_flood
        wait_pid "$BG_PID" "$limit" || fail "syscon still runs $limit s after SIGTERM, with its reader stopped"
        echo "syscon ended $((SECONDS - STOP_SENT)) s after SIGTERM"
        expect_flood_ended_cleanly
        grep -q "within $CONSOLE_DRAIN_LIMIT s" "$T/err" || fail "no warning that the rest of the output was discarded"
}
register t_console_stopped_reader \
        "console: with its reader stopped, syscon gives up the container's last output after ${CONSOLE_DRAIN_LIMIT}s, exits, leaves nothing"

t_console_reader_gone_while_draining() {
        start_flood_to_stopped_reader
        stop_flood
        sleep 1
        is_running "$BG_PID" || fail "syscon did not wait for its reader to take the last output"
        kill -KILL "$READER"
        wait_pid "$BG_PID" 2 || fail "syscon still runs 2 s after its reader went away"
        expect_flood_ended_cleanly
}
register t_console_reader_gone_while_draining \
        "console: a reader that goes away while syscon waits for it to take the last output ends the wait, no SIGPIPE, nothing left"
