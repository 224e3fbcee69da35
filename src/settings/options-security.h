/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <getopt.h>

#include "settings/config.h"

/* The security options: --capability=, --drop-capability=, --no-new-privileges=,
 * --system-call-filter= and --profile=. options.c hands them over by their getopt value. */

enum {
        ARG_SECURITY_FIRST = 0x200, /* above options.c's own values */
        ARG_CAPABILITY = ARG_SECURITY_FIRST,
        ARG_DROP_CAPABILITY,
        ARG_NO_NEW_PRIVILEGES,
        ARG_SYSTEM_CALL_FILTER,
        ARG_PROFILE,
        ARG_SECURITY_LAST = ARG_PROFILE,
};

#define OPTIONS_SECURITY_LONG_OPTIONS                                                \
        { "capability",          required_argument, NULL, ARG_CAPABILITY         }, \
        { "drop-capability",     required_argument, NULL, ARG_DROP_CAPABILITY    }, \
        { "no-new-privileges",   required_argument, NULL, ARG_NO_NEW_PRIVILEGES  }, \
        { "system-call-filter",  required_argument, NULL, ARG_SYSTEM_CALL_FILTER }, \
        { "profile",             required_argument, NULL, ARG_PROFILE            }

/* One security option from the command line; logs a bad value once and returns -EINVAL. */
int options_security_parse(struct config *c, int opt, const char *arg);

/* After the command line: loads the --profile= given, under what the command line said. */
int options_security_finish(struct config *c);

void options_security_help(void);

void security_settings_done(struct security_settings *s);

/* The bounding set for this container: the default, CAP_NET_ADMIN with a network namespace of its
 * own, then --capability= added and --drop-capability= removed. */
uint64_t security_capabilities(const struct config *c);

/* What the container's system call filter is built from. */
struct seccomp_rules security_seccomp_rules(const struct config *c);
