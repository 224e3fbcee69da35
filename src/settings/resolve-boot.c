/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/log.h"
#include "basic/strv.h"
#include "core/init-memfd.h"
#include "core/passwd.h"
#include "core/rootfs.h"
#include "settings/environ.h"
#include "settings/resolve.h"

/* `syscon boot`: the tree's own init as PID 1. */

/* Where systemd-nspawn looks, in its order. */
static const char *const init_candidates[] = {
        "/usr/lib/systemd/systemd",
        "/lib/systemd/systemd",
        "/sbin/init",
};

static int find_init(const struct config *c, const struct container_spec *spec, const char **ret_path,
                     int *ret_fd) {
        int fd;

        if (c->init) {
                fd = rootfs_open_executable(spec->rootfs_fd, c->init);
                if (fd == -EBADFD)
                        return log_error_errno(fd, "Cannot boot %s with --init=%s: not a regular file "
                                               "inside the tree. Give the path of an executable inside "
                                               "the tree.", spec->rootfs, c->init);
                if (fd < 0)
                        return log_error_errno(fd, "Cannot boot %s with --init=%s: %m inside the tree. "
                                               "Give the path of an executable inside the tree.",
                                               spec->rootfs, c->init);
                *ret_path = c->init;
                *ret_fd = fd;
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(init_candidates); i++) {
                fd = rootfs_open_executable(spec->rootfs_fd, init_candidates[i]);
                if (fd >= 0) {
                        *ret_path = init_candidates[i];
                        *ret_fd = fd;
                        return 0;
                }
        }
        return log_error_errno(-ENOENT, "%s has no init to boot (looked for %s, %s and %s). To run a "
                               "single command in it, use \"syscon run %s COMMAND\"; to boot another "
                               "init, name it with --init=PATH.", spec->rootfs, init_candidates[0],
                               init_candidates[1], init_candidates[2], spec->rootfs);
}

static int check_os_release(const struct container_spec *spec) {
        _cleanup_close_ int a = rootfs_open(spec->rootfs_fd, "/etc/os-release", O_PATH);
        _cleanup_close_ int b = a >= 0 ? -EBADF : rootfs_open(spec->rootfs_fd, "/usr/lib/os-release", O_PATH);

        if (a < 0 && b < 0)
                return log_error_errno(-ENOENT, "%s has no /etc/os-release or /usr/lib/os-release, so "
                                       "it does not look like an operating system tree to boot. To run "
                                       "a single command in it, use \"syscon run %s COMMAND\".",
                                       spec->rootfs, spec->rootfs);
        return 0;
}

/* The signal each init takes as "shut down cleanly": systemd's SIGRTMIN+3, busybox init's SIGUSR2
 * (poweroff), sysvinit's SIGINT (its ctrlaltdel action; the reboot that Debian's inittab makes of it
 * ends the container, because a stop was asked for). */
static int default_kill_signal(int init_fd) {
        char link[64], target[PATH_MAX];
        ssize_t n;

        snprintf(link, sizeof link, "/proc/self/fd/%d", init_fd);
        n = readlink(link, target, sizeof target - 1);
        if (n < 0)
                return SIGRTMIN + 3;
        target[n] = 0;
        const char *name = basename(target);
        if (streq(name, "busybox"))
                return SIGUSR2;
        if (streq(name, "init"))
                return SIGINT;
        return SIGRTMIN + 3;
}

/* syscon-init --exec -- INIT [ARGS...]: the tree's init is executed by syscon-init from its sealed
 * memfd, never straight from the supervisor's child, whose /proc/self/exe is the host's syscon
 * (CVE-2019-5736: an init that is a link to it, or a script naming it as interpreter, would run
 * the host's binary in the container). */
static int build_init_argv(const struct config *c, const char *init, struct container_spec *spec) {
        size_t n = 0;
        _cleanup_(strv_freep) char **argv = calloc(c->argc + 5, sizeof(char *));
        int r;

        if (!argv)
                return -ENOMEM;
        r = strv_push_printf(argv, &n, "syscon-init");
        if (r >= 0)
                r = strv_push_printf(argv, &n, "--exec");
        if (r >= 0)
                r = strv_push_printf(argv, &n, "--");
        if (r >= 0)
                r = strv_push_printf(argv, &n, "%s", init);
        for (size_t i = 0; r >= 0 && i < c->argc; i++)
                r = strv_push_printf(argv, &n, "%s", c->argv[i]);
        if (r < 0)
                return r;
        spec->init_argv = TAKE_PTR(argv);
        spec->command = spec->init_argv[3];
        return 0;
}

int resolve_boot(const struct config *c, struct container_spec *spec) {
        _cleanup_close_ int init_fd = -EBADF;
        struct user_identity root;
        const char *init = NULL;
        int r;

        r = find_init(c, spec, &init, &init_fd);
        if (r >= 0)
                r = check_os_release(spec);
        if (r < 0)
                return r;

        user_identity_root(&root);
        r = build_init_argv(c, init, spec);
        if (r >= 0)
                r = environ_build(c, &root, spec->uuid, resolve_term(spec), &spec->envp);
        if (r < 0)
                return log_error_errno(r, "Failed to build init's command line and environment: %m");

        spec->init_fd = init_memfd_create();
        if (spec->init_fd < 0)
                return log_error_errno(spec->init_fd, "Failed to load syscon-init into memory: %m");
        spec->kill_signal = c->kill_signal ?: default_kill_signal(init_fd);
        /* A booted init gets only the signals a container manager sends; SIGHUP or SIGUSR1 to
         * syscon are not meant for the guest's PID 1. */
        spec->forward_signals = false;
        return 0;
}
