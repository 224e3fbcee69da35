/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "settings/config.h"

/* What the security options (--capability=, --drop-capability=, --no-new-privileges=,
 * --system-call-filter=, and a --profile= merged by settings_merge()) make of a container. */

void security_settings_done(struct security_settings *s);

/* The bounding set for this container: the default, CAP_NET_ADMIN with a network namespace of its
 * own, then --capability= added and --drop-capability= removed. */
uint64_t security_capabilities(const struct config *c);

/* What the container's system call filter is built from. */
struct seccomp_rules security_seccomp_rules(const struct config *c);
