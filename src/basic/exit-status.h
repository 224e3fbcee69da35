/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <signal.h>

/* docker run's convention for launcher errors. */
#define EXIT_LAUNCHER_ERROR 125
#define EXIT_COMMAND_NOT_EXECUTABLE 126
#define EXIT_COMMAND_NOT_FOUND 127

/* A waitid() result as a shell would report it: the exit code, or 128+N for death by signal N. */
int exit_status_from_siginfo(const siginfo_t *si);

/* The status for a failed execve() of the command, given its errno of either sign: 127 for
 * ENOENT only (as docker and POSIX shells do), 126 for anything else, ENOTDIR and ELOOP included. */
int exit_status_from_exec_error(int error);
