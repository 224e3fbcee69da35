/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

#include "core/seccomp-filter.h"

/* Compiled system call filters, kept between starts in a directory of syscon's runtime state
 * (SYSCON_RUNTIME_DIR/seccomp). libseccomp takes longer to compile the filter than the rest of the
 * launcher takes for its own work at a start, and the same options give the same filter.
 *
 * A filter is found by its key: a description of everything the program depends on. The file
 * holds the whole key, so a file for another key (another syscon build, libseccomp version or rule
 * set) is a miss, never a wrong filter. */

/* The key of a filter built from `rules` (the rule set, described by the caller) by this build of
 * syscon and the libseccomp it runs with. -ENODATA when the executable has no build ID, which is
 * what identifies the code that turns rules into a program: then nothing is cached. */
int seccomp_cache_key(const char *rules, char **ret);

/* 1 and the program when `dir_fd` holds one for `key`, 0 when not (or when the file is not one
 * syscon wrote: another owner, writable by others, malformed), negative errno on other errors. */
int seccomp_cache_load(int dir_fd, const char *key, struct seccomp_program *ret);

/* Keeps `p` under `key`, replacing a file of the same name at once (rename). */
int seccomp_cache_store(int dir_fd, const char *key, const struct seccomp_program *p);
