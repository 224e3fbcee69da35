/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syscon-test-helper trace-exit PID HOLD_MS, run on the host: attaches to PID as its tracer
 * (traced=1), waits until it has exited, keeps its zombie HOLD_MS longer, then reaps it
 * (released=1 status=N), which hands the zombie on to its real parent. While a tracer holds a
 * zombie, the real parent's pidfd for it is already readable but waitid() finds nothing; this is
 * what strace -p or gdb on a container's PID 1 does to syscon, and what the RSS benchmark's tracer
 * did.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helper-trace.h"
#include "helper.h"

static int failed(const char *what) {
        dprintf(2, "syscon-test-helper: trace-exit: %s: %s\n", what, strerror(errno));
        return EXIT_OBSERVATION_FAILED;
}

int helper_trace_exit(pid_t pid, long hold_ms) {
        struct timespec hold = { .tv_sec = hold_ms / 1000, .tv_nsec = hold_ms % 1000 * 1000000 };
        siginfo_t si = {};

        /* Seized, not attached: PID is not stopped, and it stops again only for signals it does
         * not block (syscon-init blocks the ones it handles). */
        if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) < 0)
                return failed("PTRACE_SEIZE");
        dprintf(1, "traced=1\n");
        if (waitid(P_PID, (id_t) pid, &si, WEXITED | WNOWAIT | __WALL) < 0)
                return failed("waiting for the exit");
        while (nanosleep(&hold, &hold) < 0 && errno == EINTR)
                ;
        if (waitid(P_PID, (id_t) pid, &si, WEXITED | __WALL) < 0)
                return failed("reaping");
        dprintf(1, "released=1 status=%d\n", si.si_status);
        return 0;
}
