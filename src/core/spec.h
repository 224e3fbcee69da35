/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/uuid.h"
#include "core/cgroup-properties.h"
#include "core/console.h"
#include "core/mount.h"
#include "core/seccomp-filter.h"
#include "core/userns-range.h"
#include "core/userns.h"
#include "network/network.h"

/* One container, fully resolved: everything the core needs to create, start and supervise it, and
 * nothing it would still have to look up, parse or decide. A front end (the command line, a
 * settings file, an OCI config.json) fills it once; a failure there leaves nothing behind, and
 * after it nothing may fail for a reason the front end could have checked.
 *
 * The spec owns its fds, its argv and environment, the lease and the compiled filter
 * (container_spec_done() releases them). The mounts, network and resource limits are borrowed
 * from the front end's settings, which stay unchanged, and alive, as long as the spec. */
struct container_spec {
        char machine[HOST_NAME_MAX + 1];
        char hostname[HOST_NAME_MAX + 1];
        char uuid[UUID_STRING_MAX];
        bool boot;                    /* the tree's own init is PID 1: offer it the container
                                       * interface (a cgroup tree of its own, /run/host) */
        bool quiet;

        /* The tree and what is mounted into it. */
        char rootfs[PATH_MAX];        /* absolute, for messages and the child's own open */
        int rootfs_fd;                /* O_PATH */
        bool read_only;
        const struct custom_mount *mounts;
        size_t n_mounts;

        /* The user namespace: count 0 for none. The lease keeps the range the container's. */
        struct userns_lease lease;
        struct userns_range userns;
        bool idmap_tree;              /* the tree is mounted ID-mapped (else its IDs are used as they
                                       * are on disk: the identity range, or a tree shifted before) */
        bool shift_tree;              /* shift the tree's ownership on disk to the range before the
                                       * container is cloned */
        bool shift_tree_if_no_idmap;  /* --private-users-ownership=auto: where the tree's file system
                                       * cannot be ID-mapped, shift it instead */

        /* PID 1. */
        char **init_argv;             /* syscon-init's argv: the command it runs as PID 2, or the
                                       * booted init it execs in its place */
        const char *command;          /* what it runs, in init_argv, for messages */
        char **envp;
        int init_fd;                  /* syscon-init's sealed memfd */
        enum console_mode console;    /* never CONSOLE_AUTO */
        int kill_signal;              /* what SIGTERM to the supervisor becomes for PID 1 */
        bool forward_signals;         /* SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 go on to PID 1 */

        /* Confinement, applied last before the exec of init. */
        uint64_t capabilities;        /* the bounding set */
        bool no_new_privileges;
        struct seccomp_program seccomp;

        const struct cgroup_properties *properties;
        const struct network_config *network;
};

#define CONTAINER_SPEC_NULL                                                  \
        ((struct container_spec) {                                           \
                .rootfs_fd = -EBADF,                                         \
                .init_fd = -EBADF,                                           \
                .lease = USERNS_LEASE_NULL,                                  \
        })

void container_spec_done(struct container_spec *spec);
