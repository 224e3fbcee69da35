/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>

#include "basic/log.h"
#include "basic/strv.h"
#include "core/init-memfd.h"
#include "core/passwd.h"
#include "core/rootfs.h"
#include "settings/environ.h"
#include "settings/options-security.h"
#include "settings/resolve.h"

/* `syscon run`: syscon-init as PID 1, from its sealed memfd, running the command as the user. */

static int resolve_user(const struct config *c, const struct container_spec *spec,
                        struct user_identity *ret) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        fd = rootfs_open_regular(spec->rootfs_fd, "/etc/passwd");
        if (!c->user) {
                if (fd < 0 || passwd_lookup_fd(fd, "0", ret) < 0)
                        user_identity_root(ret);
                return 0;
        }
        if (fd == -EBADFD || fd == -EISDIR)
                return log_error_errno(fd, "%s/etc/passwd is not a regular file, so user %s cannot be "
                                       "looked up in it: replace it with a file, or give a numeric "
                                       "UID.", spec->rootfs, c->user);
        if (fd < 0 && fd != -ENOENT)
                return log_error_errno(fd, "Cannot read %s/etc/passwd to look up user %s: %m",
                                       spec->rootfs, c->user);

        r = passwd_lookup_fd(fd, c->user, ret);
        if (r == -ESRCH)
                return log_error_errno(r, "User %s not found in %s/etc/passwd: give a user of the "
                                       "tree, or a numeric UID.", c->user, spec->rootfs);
        if (r == -EFBIG)
                return log_error_errno(r, "%s/etc/passwd is larger than syscon reads (4 MiB), so user %s "
                                       "cannot be looked up in it: give a numeric UID.", spec->rootfs,
                                       c->user);
        if (r < 0)
                return log_error_errno(r, "Invalid --user=%s: %m. Give a user name of the tree or "
                                       "a numeric UID below 4294967295.", c->user);
        return 0;
}

/* syscon-init [--uid=U --gid=G] [--chdir=DIR] -- COMMAND [ARGS...] */
static int build_init_argv(const struct config *c, const struct user_identity *user,
                           struct container_spec *spec) {
        size_t n = 0, max = 6 + (c->argc ?: 1);
        _cleanup_(strv_freep) char **argv = calloc(max + 1, sizeof(char *));
        int r = 0;

        if (!argv)
                return -ENOMEM;
        r = strv_push_printf(argv, &n, "syscon-init");
        if (r >= 0 && c->user)
                r = strv_push_printf(argv, &n, "--uid=%u", (unsigned) user->uid);
        if (r >= 0 && c->user)
                r = strv_push_printf(argv, &n, "--gid=%u", (unsigned) user->gid);
        if (r >= 0 && c->working_directory)
                r = strv_push_printf(argv, &n, "--chdir=%s", c->working_directory);
        if (r >= 0)
                r = strv_push_printf(argv, &n, "--");
        size_t command_index = n;
        if (r >= 0 && c->argc == 0)
                r = strv_push_printf(argv, &n, "%s", user->shell[0] ? user->shell : "/bin/sh");
        for (size_t i = 0; r >= 0 && i < c->argc; i++)
                r = strv_push_printf(argv, &n, "%s", c->argv[i]);
        if (r < 0)
                return log_error_errno(r, "Failed to build the command line: %m");

        spec->init_argv = TAKE_PTR(argv);
        spec->command = spec->init_argv[command_index];
        return 0;
}

static int check_filter_spares_init(const struct config *c) {
        const struct seccomp_rules rules = security_seccomp_rules(c);
        const char *denied;
        int r = seccomp_filter_init_conflict(&rules, c->user, c->working_directory, &denied);

        if (r < 0)
                return log_error_errno(r, "Failed to check the system call filter: %m");
        if (denied)
                return log_error_errno(-EINVAL, "The system call filter denies %s, which syscon-init, the "
                                       "container's PID 1 under 'syscon run', needs: drop it from "
                                       "--system-call-filter= (or the profile), or boot the tree's own "
                                       "init with 'syscon boot'.", denied);
        return 0;
}

int resolve_run(const struct config *c, struct container_spec *spec) {
        struct user_identity user;
        int r;

        r = check_filter_spares_init(c);
        if (r >= 0)
                r = resolve_user(c, spec, &user);
        if (r >= 0)
                r = build_init_argv(c, &user, spec);
        if (r < 0)
                return r;

        r = environ_build(c, &user, spec->uuid, resolve_term(spec), &spec->envp);
        if (r < 0)
                return log_error_errno(r, "Failed to build the container's environment: %m");

        spec->init_fd = init_memfd_create();
        if (spec->init_fd < 0)
                return log_error_errno(spec->init_fd, "Failed to load syscon-init into memory: %m");
        spec->kill_signal = c->kill_signal ?: SIGTERM;
        spec->forward_signals = true;
        return 0;
}
