/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Subcommands that live outside helper.c, one file per area. Each returns the helper's exit status,
 * or HELPER_NOT_MINE when `cmd` is not one of its subcommands (or its arguments are missing). */
#define HELPER_NOT_MINE (-1)

int helper_cgroup(const char *cmd, const char *a1, const char *a2);
