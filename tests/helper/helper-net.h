/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The helper's network subcommands (helper-net.c): TCP between host and container, links,
 * addresses and routes as the container sees them. */

/* Runs the subcommand if it is one of these; returns -1 if it is not. */
int helper_net_main(const char *cmd, int argc, char **argv);
