/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Profiles: files of KEY=VALUE lines, '#' comments and blank lines, where each KEY is a
 * command-line option's name without "--". This module finds and reads them; what a key means is
 * the caller's (merge.c hands each to the option table). */

/* Where a profile named without a '/' is looked for, in order (the administrator's first);
 * NULL-terminated. */
extern const char *const profile_dirs[];

typedef int (*profile_setting_fn)(void *userdata, const char *key, const char *value,
                                  const char *file, unsigned line);

/* Reads the profile `spec` (a path if it has a '/', else NAME.conf in the first of `dirs` that
 * has it) and calls `fn` for each setting, stopping at its first error, which it returns. A file
 * that cannot be found or read, or a malformed line, is logged once (naming FILE:LINE) and
 * returns -EINVAL or the error. */
int profile_load(const char *spec, const char *const *dirs, profile_setting_fn fn, void *userdata);
