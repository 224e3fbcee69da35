/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* (Not seccomp.h: that name is libseccomp's header, and src/ is on the include path.) */

/* One --system-call-filter= word: a system call or an @group, allowed or denied. */
struct syscall_rule {
        char *name;
        bool deny;
        bool from_profile; /* the command line overrides the profile (a later rule wins) */
};

/* What a container's filter is built from: the user's rules (the profile's first, then the command
 * line's) and the bounding set it keeps, which decides the default deny list. */
struct seccomp_rules {
        const struct syscall_rule *rules;
        size_t n_rules;
        uint64_t capabilities;
};

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
int seccomp_filter_verdict(const struct seccomp_rules *rules, const char *name, enum syscall_verdict *ret);

/* The first system call that syscon-init, PID 1 of `syscon run`, needs (with --user and --chdir if
 * `with_user`, `with_chdir`) and the filter denies (a name from --system-call-filter= or the
 * profile), or NULL. -ENOMEM on allocation
 * failure. */
int seccomp_filter_init_conflict(const struct seccomp_rules *rules, bool with_user, bool with_chdir,
                                 const char **ret);

/* The container's filter as a BPF program, built on the host before the container is cloned (so
 * that the child only loads it, and a failure leaves nothing behind). With `cache_dir_fd` (else
 * -EBADF), a program compiled before for the same rules is taken from there, and a new one kept
 * there (seccomp-cache.h). */
struct seccomp_program {
        struct sock_filter *filter;
        unsigned short len;
};

int seccomp_filter_build(const struct seccomp_rules *rules, int cache_dir_fd, struct seccomp_program *ret);

void seccomp_program_done(struct seccomp_program *p);

/* Called by the container's first process last before the exec of its init (after
 * capability_apply(), while its effective set still holds CAP_SYS_ADMIN, which loading a filter
 * without no_new_privs takes). */
int seccomp_filter_load(const struct seccomp_program *p);
