/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <signal.h>

#include "core/console.h"
#include "core/container.h"

/* Call before the container is cloned; it holds for the rest of the process. Blocks the signals the
 * supervisor handles, so that none is lost between clone and the event loop, and ignores SIGPIPE: a
 * reader of the console or of stderr that goes away (`syscon boot T 2>&1 | head -1`) must make
 * writes fail with EPIPE, not kill the supervisor, whose death would SIGKILL the container (its
 * parent-death signal) instead of shutting it down, and skip the cleanup. The child resets both
 * before exec. Logs and returns a negative errno on failure. */
int supervisor_prepare_signals(void);

struct supervisor_result {
        siginfo_t exit_info;  /* how PID 1 ended, as waitid() told */
        bool stop_requested;  /* SIGTERM or SIGINT reached the supervisor meanwhile */
};

/* Runs the event loop until the container's PID 1 has exited: forwards the console, turns SIGTERM
 * and SIGINT into `kill_signal` to PID 1 (a second one kills the container), passes SIGHUP, SIGQUIT,
 * SIGUSR1 and SIGUSR2 on to PID 1 when `forward_signals` is set. Takes the console master from `c`.
 * Returns 0 with how it ended in `ret`, or a negative errno when the loop itself failed. */
int supervisor_run(struct container *c, enum console_mode console, int kill_signal, bool forward_signals,
                   struct supervisor_result *ret);
