/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "settings/config.h"

/* Parses the arguments that follow the verb (argv[0] is the verb itself) into `ret`, which starts
 * out zeroed; the caller owns it and frees it with config_done() on every path. Pure: reads no
 * file and no environment (settings_merge() does, next). Each bad value is logged once, naming
 * the option, the value and the fix.
 * Returns 0 when the container should start, 1 when --help was printed, -EINVAL on bad input. */
int options_parse(enum verb verb, int argc, char *argv[], struct config *ret);

/* The verb's usage text, made from the option table: printed by --help and `syscon help`. */
void options_help(enum verb verb);

/* "syscon run [OPTIONS] ROOTFS [--] [COMMAND [ARGS...]]": the verb's usage line. */
const char *options_synopsis(enum verb verb);
