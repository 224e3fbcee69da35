/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>

#include "settings/environ.h"
#include "basic/exit-status.h"
#include "core/init-memfd.h"
#include "core/launch.h"
#include "basic/log.h"
#include "core/passwd.h"
#include "core/rootfs.h"
#include "verbs/run.h"
#include "core/seccomp-filter.h"

/* syscon-init's command line, environment and memfd, on top of what launch_resolve() found. */
struct run_launch {
        struct launch launch;
        struct user_identity user;
};

static int resolve_user(const struct config *c, struct run_launch *rl) {
        const struct launch *l = &rl->launch;
        _cleanup_close_ int fd = -EBADF;
        int r;

        fd = rootfs_open(l->rootfs_fd, "/etc/passwd", O_RDONLY | O_NOFOLLOW);
        if (!c->user) {
                if (fd < 0 || passwd_lookup_fd(fd, "0", &rl->user) < 0)
                        user_identity_root(&rl->user);
                return 0;
        }
        if (fd < 0 && fd != -ENOENT)
                return log_error_errno(fd, "Cannot read %s/etc/passwd to look up user %s: %m",
                                       l->rootfs, c->user);

        r = passwd_lookup_fd(fd, c->user, &rl->user);
        if (r == -ESRCH)
                return log_error_errno(r, "User %s not found in %s/etc/passwd: give a user of the "
                                       "tree, or a numeric UID.", c->user, l->rootfs);
        if (r < 0)
                return log_error_errno(r, "Invalid --user=%s: %m. Give a user name of the tree or "
                                       "a numeric UID below 4294967295.", c->user);
        return 0;
}

/* syscon-init [--uid=U --gid=G] [--chdir=DIR] -- COMMAND [ARGS...] */
static int build_init_argv(const struct config *c, struct run_launch *rl) {
        struct launch *l = &rl->launch;
        size_t n = 0, max = 6 + (c->argc ?: 1);
        _cleanup_(strv_freep) char **argv = calloc(max + 1, sizeof(char *));
        int r = 0;

        if (!argv)
                return -ENOMEM;
        r = strv_push_printf(argv, &n, "syscon-init");
        if (r >= 0 && c->user)
                r = strv_push_printf(argv, &n, "--uid=%u", (unsigned) rl->user.uid);
        if (r >= 0 && c->user)
                r = strv_push_printf(argv, &n, "--gid=%u", (unsigned) rl->user.gid);
        if (r >= 0 && c->working_directory)
                r = strv_push_printf(argv, &n, "--chdir=%s", c->working_directory);
        if (r >= 0)
                r = strv_push_printf(argv, &n, "--");
        size_t command_index = n;
        if (r >= 0 && c->argc == 0)
                r = strv_push_printf(argv, &n, "%s", rl->user.shell[0] ? rl->user.shell : "/bin/sh");
        for (size_t i = 0; r >= 0 && i < c->argc; i++)
                r = strv_push_printf(argv, &n, "%s", c->argv[i]);
        if (r < 0)
                return log_error_errno(r, "Failed to build the command line: %m");

        l->init_argv = TAKE_PTR(argv);
        l->command = l->init_argv[command_index];
        return 0;
}

static int check_filter_spares_init(const struct config *c) {
        const char *denied;
        int r = seccomp_filter_init_conflict(c, &denied);

        if (r < 0)
                return log_error_errno(r, "Failed to check the system call filter: %m");
        if (denied)
                return log_error_errno(-EINVAL, "The system call filter denies %s, which syscon-init, the "
                                       "container's PID 1 under 'syscon run', needs: drop it from "
                                       "--system-call-filter= (or the profile), or boot the tree's own "
                                       "init with 'syscon boot'.", denied);
        return 0;
}

static int prepare(struct config *c, struct run_launch *rl) {
        struct launch *l = &rl->launch;
        int r;

        r = check_filter_spares_init(c);
        if (r >= 0)
                r = launch_resolve(c, l);
        if (r >= 0)
                r = resolve_user(c, rl);
        if (r >= 0)
                r = build_init_argv(c, rl);
        if (r < 0)
                return r;

        r = environ_build(c, &rl->user, l->container_uuid, launch_term(l), &l->envp);
        if (r < 0)
                return log_error_errno(r, "Failed to build the container's environment: %m");

        l->init_fd = init_memfd_create();
        if (l->init_fd < 0)
                return log_error_errno(l->init_fd, "Failed to load syscon-init into memory: %m");
        l->kill_signal = c->kill_signal ?: SIGTERM;
        l->forward_signals = true;
        return launch_userns_prepare(c, l->rootfs_fd, l->rootfs, &l->userns);
}

int verb_run(struct config *c) {
        struct run_launch rl = { .launch = LAUNCH_NULL };
        struct supervisor_result result;
        int r;

        r = prepare(c, &rl);
        if (r >= 0)
                r = launch_once(c, &rl.launch, &result);
        launch_done(&rl.launch);
        return r < 0 ? EXIT_LAUNCHER_ERROR : exit_status_from_siginfo(&result.exit_info);
}
