/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "settings/config.h"

/* Parses the arguments that follow the verb (argv[0] is the verb itself) into `ret`, which starts
 * out zeroed; the caller owns it and frees it with config_done() on every path. Each bad value is
 * logged once, naming the option, the value and the fix.
 * Returns 0 when the container should start, 1 when --help was printed, -EINVAL on bad input. */
int options_parse(enum verb verb, int argc, char *argv[], struct config *ret);

/* The verb's usage text, printed by --help and `syscon help`. */
void options_help(enum verb verb);

/* Logs "Invalid OPTION= value "VALUE": PROBLEM, as in EXAMPLE." and returns -EINVAL. */
int log_bad_value(const char *option, const char *value, const char *problem, const char *example);
