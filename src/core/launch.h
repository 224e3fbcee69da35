/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <limits.h>
#include <stdbool.h>

#include "settings/config.h"
#include "settings/launch-userns.h"
#include "core/seccomp-filter.h"
#include "core/supervisor.h"
#include "basic/uuid.h"

/* What `run` and `boot` share: everything resolved on the host before a container exists (a failure
 * there leaves nothing behind), and the start and supervision of one container from it. */
struct launch {
        char rootfs[PATH_MAX];
        int rootfs_fd;
        enum console_mode console;
        char container_uuid[UUID_STRING_MAX];
        char **init_argv;
        const char *command; /* what init_argv runs, for messages */
        char **envp;
        int init_fd;         /* syscon-init's sealed memfd (run), or -EBADF: exec init_argv[0] (boot) */
        struct launch_userns userns;
        int kill_signal;
        bool forward_signals;
        struct seccomp_program seccomp;
};

#define LAUNCH_NULL ((struct launch) { .rootfs_fd = -EBADF, .init_fd = -EBADF, .userns = LAUNCH_USERNS_NULL })

/* Resolves the tree, the machine name, the bind sources, the UUID and the console, and builds the
 * system call filter. Logs what is wrong with the input and returns a negative errno. The verb then
 * checks what it needs of the tree and calls launch_userns_prepare() last: with
 * --private-users-ownership=chown that rewrites the tree, which no refused start may do. */
int launch_resolve(struct config *c, struct launch *l);

/* TERM for the container's console. */
const char *launch_term(const struct launch *l);

/* Starts one container (one boot) from `l` and supervises it until its PID 1 ends. Returns 0 with
 * how it ended, or a logged negative errno when it could not be started. */
int launch_once(const struct config *c, const struct launch *l, struct supervisor_result *ret);

void launch_done(struct launch *l);
