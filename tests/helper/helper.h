/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>

#define EXIT_USAGE 2
#define EXIT_OBSERVATION_FAILED 3

/* The errno's symbolic name (EPERM, ...), as the helper prints it. */
const char *errno_name(int e);
/* Reports a failed observation on stderr; returns EXIT_OBSERVATION_FAILED. */
int fail(const char *what, int e);
/* Reads at most size-1 bytes of path into buf, NUL-terminated; returns the length or -errno. */
ssize_t read_file(const char *path, char *buf, size_t size);

/* Runs the subcommand if it is one of the user-namespace ones (helper-userns.c); returns -1 if
 * it is not. */
int helper_userns_main(const char *cmd, int argc, char **argv);
