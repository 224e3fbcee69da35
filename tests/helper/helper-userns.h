/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The helper's user-namespace subcommands (helper-userns.c): ID maps, owners as the container
 * sees them, and what container root may not do. */

/* Runs the subcommand if it is one of these; returns -1 if it is not. */
int helper_userns_main(const char *cmd, int argc, char **argv);
