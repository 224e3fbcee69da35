/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The helper's cgroup subcommands (helper-cgroup.c): drive the container into its limits. */

/* Runs the subcommand if it is one of these; returns -1 if it is not. */
int helper_cgroup_main(const char *cmd, int argc, char **argv);
