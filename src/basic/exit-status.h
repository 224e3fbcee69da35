/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <signal.h>

/* docker run's convention for launcher errors. */
#define EXIT_LAUNCHER_ERROR 125
#define EXIT_COMMAND_NOT_EXECUTABLE 126
#define EXIT_COMMAND_NOT_FOUND 127

/* A waitid() result as a shell would report it: the exit code, or 128+N for death by signal N. */
int exit_status_from_siginfo(const siginfo_t *si);

/* The status for a failed execve() of the command, given its errno of either sign: 127 when the
 * path leads to no file, whatever stopped the lookup (ENOENT; ENOTDIR, as in /etc/passwd/x; ELOOP;
 * ENAMETOOLONG), 126 when a file is there but cannot run (EACCES, ENOEXEC, ...). That is POSIX's
 * "not found", and what dash and busybox ash, the /bin/sh of most trees, answer (bash says 126 for
 * all but ENOENT). ELOOP also means a #! chain nested too deep, which no shell tells apart either.
 *
 * Inline because syscon-init, a separate static executable, uses it too: the status it exits with
 * and the launcher's message for it come from this one rule. */
static inline int exit_status_from_exec_error(int error) {
        switch (error < 0 ? -error : error) {
        case ENOENT:
        case ENOTDIR:
        case ELOOP:
        case ENAMETOOLONG:
                return EXIT_COMMAND_NOT_FOUND;
        default:
                return EXIT_COMMAND_NOT_EXECUTABLE;
        }
}
