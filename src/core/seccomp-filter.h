/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>

#include "settings/config.h"

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

/* The first system call that syscon-init, PID 1 of `syscon run`, needs with these options and the
 * filter denies (a name from --system-call-filter= or the profile), or NULL. -ENOMEM on allocation
 * failure. */
int seccomp_filter_init_conflict(const struct config *c, const char **ret);

/* The container's filter as a BPF program, built on the host before the container is cloned (so
 * that the child only loads it, and a failure leaves nothing behind). With `cache_dir_fd` (else
 * -EBADF), a program compiled before for the same rules is taken from there, and a new one kept
 * there (seccomp-cache.h). */
struct seccomp_program {
        struct sock_filter *filter;
        unsigned short len;
};

int seccomp_filter_build(const struct config *c, int cache_dir_fd, struct seccomp_program *ret);

void seccomp_program_done(struct seccomp_program *p);

/* Called by the container's first process last before the exec of its init (after
 * capability_apply(), while its effective set still holds CAP_SYS_ADMIN, which loading a filter
 * without no_new_privs takes). */
int seccomp_filter_load(const struct seccomp_program *p);
