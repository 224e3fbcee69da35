/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

#include "basic/macro.h"

/* NULL-terminated arrays of strings that the array owns. */
void strv_free(char **l);
DEFINE_TRIVIAL_CLEANUP_FUNC(char **, strv_free);

/* Appends *s to the NULL-terminated list *l of *n entries; takes *s on success. */
int strv_push(char ***l, size_t *n, char **s);

/* Formats an entry into l[*n] and increments *n; `l` must have room for it. */
int strv_push_printf(char **l, size_t *n, const char *format, ...) _printf_(3, 4);
