/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "config.h"
#include "macro.h"
#include "passwd.h"

/* Builds the command's environment from scratch: PATH, container=syscon, container_uuid, TERM,
 * HOME, USER and LOGNAME (when the user has a name), SHELL (when known), then the -E/--setenv
 * values, each replacing in place a default or earlier -E value of the same name, or appended.
 * Nothing is inherited from the host.
 * `term` is the TERM value to pass (the caller decides it from the console). Returns a
 * NULL-terminated array that strv_free() releases. */
int environ_build(const struct config *c, const struct user_identity *user,
                  const char *container_uuid, const char *term, char ***ret);

void strv_free(char **l);
/* Appends *s to the NULL-terminated list *l of *n entries; takes *s on success. */
int strv_push(char ***l, size_t *n, char **s);

/* Formats an entry into l[*n] and increments *n; `l` must have room for it. */
int strv_push_printf(char **l, size_t *n, const char *format, ...) _printf_(3, 4);
DEFINE_TRIVIAL_CLEANUP_FUNC(char **, strv_free);
