/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <signal.h>

#include "core/console.h"
#include "core/container.h"

/* The signals the supervisor handles: block them before the container is cloned, so that none is
 * lost between clone and the event loop (the child unblocks them before exec). */
void supervisor_signal_set(sigset_t *ret);

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
