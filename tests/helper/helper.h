/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What helper.c shares with the subcommand modules. */

#include <sys/types.h>

#define EXIT_USAGE 2
#define EXIT_OBSERVATION_FAILED 3

/* The errno's symbolic name (EPERM, ...), as the helper prints it. */
const char *errno_name(int e);
/* Reports a failed observation on stderr; returns EXIT_OBSERVATION_FAILED. */
int fail(const char *what, int e);
/* Reads at most size-1 bytes of path into buf, NUL-terminated; returns the length or -errno. */
ssize_t read_file(const char *path, char *buf, size_t size);

