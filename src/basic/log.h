/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include "basic/macro.h"

enum log_level {
        LOG_LEVEL_ERROR,
        LOG_LEVEL_WARNING,
        LOG_LEVEL_INFO,
        LOG_LEVEL_DEBUG,
};

void log_set_max_level(enum log_level level);
/* SYSCON_LOG_LEVEL=debug|info|warning|error in the environment overrides the default. */
void log_parse_environment(void);
enum log_level log_get_max_level(void);

/* Prints "syscon: MESSAGE" on stderr; errno is set from `error` first so that %m names it.
 * Returns `error` (a negative errno), so that the deciding layer can log and return at once. */
int log_internal(enum log_level level, int error, const char *format, ...) _printf_(3, 4);

#define log_error_errno(error, ...) log_internal(LOG_LEVEL_ERROR, (error), __VA_ARGS__)
#define log_warning_errno(error, ...) log_internal(LOG_LEVEL_WARNING, (error), __VA_ARGS__)
#define log_debug_errno(error, ...) log_internal(LOG_LEVEL_DEBUG, (error), __VA_ARGS__)
#define log_error(...) (void) log_internal(LOG_LEVEL_ERROR, 0, __VA_ARGS__)
#define log_warning(...) (void) log_internal(LOG_LEVEL_WARNING, 0, __VA_ARGS__)
#define log_info(...) (void) log_internal(LOG_LEVEL_INFO, 0, __VA_ARGS__)
#define log_debug(...) (void) log_internal(LOG_LEVEL_DEBUG, 0, __VA_ARGS__)
