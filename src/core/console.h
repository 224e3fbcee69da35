/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <systemd/sd-event.h>

#include "basic/macro.h"

enum console_mode {
        CONSOLE_AUTO,        /* decided at start: interactive on a terminal, else pipe (run) */
        CONSOLE_INTERACTIVE, /* pty, input and output forwarded, terminal in raw mode */
        CONSOLE_READ_ONLY,   /* pty, output forwarded, input ignored */
        CONSOLE_PASSIVE,     /* pty, nothing forwarded */
        CONSOLE_PIPE,        /* the caller's stdin/stdout/stderr passed straight in */
};

/* The supervisor's end of the container's console: the master side of a pty that lives in the
 * container's own devpts, forwarded to the caller's terminal according to the console mode. */
struct console;

/* Called when the escape sequence (Ctrl-] three times within a second) was typed; the input is not
 * read any more after it. It must not free the console. */
typedef void (*console_escape_handler_t)(void *userdata);

/* Takes ownership of `master_fd`, also on failure; `input_fd` and `output_fd` are the caller's
 * terminal or pipes (normally STDIN_FILENO and STDOUT_FILENO) and stay open (the console works on
 * duplicates; O_NONBLOCK is set on them while it runs). `mode` is CONSOLE_INTERACTIVE,
 * CONSOLE_READ_ONLY or CONSOLE_PASSIVE, anything else is -EINVAL.
 * Interactive: puts `input_fd` in raw mode when it is a terminal (output post-processing included)
 * and forwards input to the pty. Interactive and read-only: forward the pty's output to
 * `output_fd`, and when `output_fd` (else `input_fd`) is a terminal copy its window size to the pty
 * and follow SIGWINCH, which the caller must have blocked. Passive reads and discards the pty's
 * output so the container never blocks. An input epoll refuses (a regular file, /dev/null) is
 * treated as empty; an output epoll refuses is written to synchronously. A pipe output whose reader
 * went away is detected without writing, but the caller must still ignore SIGPIPE: a reader can go
 * between the wait and the write, and a socket whose peer closed is only found out by writing.
 * Everything runs as sources on `event`. */
int console_new(sd_event *event, int master_fd, int input_fd, int output_fd, enum console_mode mode,
                console_escape_handler_t on_escape, void *userdata, struct console **ret);

/* How long console_drain() waits for the output at most. */
#define CONSOLE_DRAIN_TIMEOUT_SEC 5U

/* Copies what the pty still holds (until EAGAIN or EIO) and what is still buffered to the output:
 * called once the container's processes are gone, so that the last lines of output are not lost.
 * Never waits for the pty, and for the output only CONSOLE_DRAIN_TIMEOUT_SEC in all: a stalled
 * output (a hung terminal, a pipe to a stopped process) must not keep the supervisor, and so the
 * container's cleanup, waiting. Then it logs a warning and discards the rest. */
void console_drain(struct console *c);

/* Restores the caller's terminal (termios, at once) and fd flags as they were before console_new(),
 * closes the master and frees everything. Accepts NULL; returns NULL. */
struct console *console_free(struct console *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct console *, console_free);

/* Whether the container gets a pty as its console (else the caller's stdio). */
static inline bool console_uses_pty(enum console_mode mode) {
        return mode != CONSOLE_PIPE;
}

/* Resolves CONSOLE_AUTO: interactive when stdin and stdout are terminals, else `without_terminal`
 * (pipe for a command, read-only for a booted system). */
enum console_mode console_mode_resolve(enum console_mode requested, enum console_mode without_terminal);
