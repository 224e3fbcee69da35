/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include "config.h"

/* (Not seccomp.h: that name is libseccomp's header, and src/ is on the include path.) */

/* What the container's filter does with one system call, after the default deny list (which
 * depends on the capabilities the container keeps), the profile and the command line. */
enum syscall_verdict {
        SYSCALL_ALLOWED,
        SYSCALL_DENIED,     /* fails with EPERM */
        SYSCALL_RESTRICTED, /* some argument values fail (ioctl TIOCSTI, socket NETLINK_AUDIT) */
};

/* Whether --system-call-filter= may name it: a system call libseccomp knows, or an @group. */
bool seccomp_filter_name_is_valid(const char *name);

/* The @group names, space-separated, for messages and --help. */
const char *seccomp_filter_group_list(void);

/* The verdict for `name` (a system call) in this container. -ENOMEM on allocation failure. */
int seccomp_filter_verdict(const struct config *c, const char *name, enum syscall_verdict *ret);

/* Writes the container's filter as BPF to `fd` without loading it (for tests and debugging). */
int seccomp_filter_export_bpf(const struct config *c, int fd);

/* Called by the container's first process last before the exec of its init (after
 * capability_apply(), while its effective set still holds CAP_SYS_ADMIN): loads the filter for
 * the native architecture and the compat ones the kernel runs beside it. */
int seccomp_filter_apply(const struct config *c);
