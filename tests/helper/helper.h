/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <string.h>

/* Shared by the helper's subcommand files; see helper.c for the conventions. */

#define streq(a, b) (strcmp((a), (b)) == 0)

/* Prints what failed and returns the exit status for a failed observation. */
int fail(const char *what, int e);
/* Prints the usage and returns the exit status for a usage error. */
int usage(void);
bool parse_int(const char *s, long min, long max, long *ret);

/* The network subcommands (helper-net.c): an exit status, or -1 for a subcommand it does not know. */
int helper_net_main(const char *cmd, int argc, char *argv[]);
