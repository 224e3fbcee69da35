/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console.h"
#include "container.h"
#include "environ.h"
#include "exit-status.h"
#include "init-memfd.h"
#include "log.h"
#include "mount.h"
#include "name.h"
#include "passwd.h"
#include "rootfs.h"
#include "run.h"
#include "supervisor.h"

/* Everything `run` resolves on the host before the container exists: a failure here leaves nothing
 * behind, and every later step works on validated values. */
struct launch {
        char rootfs[PATH_MAX];
        int rootfs_fd;
        int tree_fd;
        struct user_identity user;
        enum console_mode console;
        char container_uuid[37];
        char **init_argv;
        const char *command; /* in init_argv */
        char **envp;
        int init_fd;
};

static void launch_done(struct launch *l) {
        l->rootfs_fd = safe_close(l->rootfs_fd);
        l->tree_fd = safe_close(l->tree_fd);
        l->init_fd = safe_close(l->init_fd);
        strv_free(l->init_argv);
        strv_free(l->envp);
}

static int resolve_tree(const struct config *c, struct launch *l) {
        struct stat st;

        if (!realpath(c->rootfs, l->rootfs))
                return log_error_errno(-errno, "Cannot use %s as the container's tree: %m. "
                                       "Give the path of a directory holding a root file system.",
                                       c->rootfs);
        l->rootfs_fd = open(l->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (l->rootfs_fd < 0 || fstat(l->rootfs_fd, &st) < 0)
                return log_error_errno(-errno, "%s is not a directory: %m. Give the path of a "
                                       "directory holding a root file system.", c->rootfs);
        if (streq(l->rootfs, "/"))
                return log_error_errno(-EINVAL, "Refusing to use the host's own root directory as "
                                       "a container tree: give a tree of its own.");
        return 0;
}

static int resolve_machine_name(struct config *c, const struct launch *l) {
        if (c->machine)
                return 0;
        int r = machine_name_from_path(l->rootfs, &c->machine);
        if (r < 0)
                return log_error_errno(r, "Cannot derive a machine name from the tree's directory "
                                       "name %s; name the container with -M/--machine=NAME.", l->rootfs);
        return 0;
}

static int resolve_user(const struct config *c, struct launch *l) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        fd = rootfs_open(l->rootfs_fd, "/etc/passwd", O_RDONLY | O_NOFOLLOW);
        if (!c->user) {
                if (fd < 0 || passwd_lookup_fd(fd, "0", &l->user) < 0)
                        user_identity_root(&l->user);
                return 0;
        }
        if (fd < 0 && fd != -ENOENT)
                return log_error_errno(fd, "Cannot read %s/etc/passwd to look up user %s: %m",
                                       l->rootfs, c->user);

        r = fd < 0 ? passwd_lookup_fd(-EBADF, c->user, &l->user) : passwd_lookup_fd(fd, c->user, &l->user);
        if (r == -ESRCH)
                return log_error_errno(r, "User %s not found in %s/etc/passwd: give a user of the "
                                       "tree, or a numeric UID.", c->user, l->rootfs);
        if (r < 0)
                return log_error_errno(r, "Invalid --user=%s: %m. Give a user name of the tree or "
                                       "a numeric UID below 4294967295.", c->user);
        return 0;
}

static int check_bind_sources(const struct config *c) {
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct custom_mount *m = c->mounts + i;

                if (m->type != CUSTOM_MOUNT_TMPFS && access(m->source, F_OK) < 0)
                        return log_error_errno(-errno, "Cannot bind %s into the container: %m. "
                                               "Create it first, or fix the --bind source.", m->source);
        }
        return 0;
}

static int make_uuid(char ret[static 37]) {
        uint8_t b[16];

        if (getrandom(b, sizeof b, 0) != (ssize_t) sizeof b)
                return log_error_errno(-EIO, "Failed to get random bytes for the container's UUID.");
        b[6] = (uint8_t) ((b[6] & 0x0f) | 0x40); /* version 4 */
        b[8] = (uint8_t) ((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
        snprintf(ret, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
                 b[13], b[14], b[15]);
        return 0;
}

static int strv_push_printf(char **l, size_t *n, const char *format, ...) _printf_(3, 4);
static int strv_push_printf(char **l, size_t *n, const char *format, ...) {
        va_list ap;
        int r;

        va_start(ap, format);
        r = vasprintf(&l[*n], format, ap);
        va_end(ap);
        if (r < 0) {
                l[*n] = NULL;
                return -ENOMEM;
        }
        (*n)++;
        return 0;
}

/* syscon-init [--uid=U --gid=G] [--chdir=DIR] -- COMMAND [ARGS...] */
static int build_init_argv(const struct config *c, struct launch *l) {
        size_t n = 0, max = 6 + (c->argc ?: 1);
        _cleanup_(strv_freep) char **argv = calloc(max + 1, sizeof(char *));
        int r = 0;

        if (!argv)
                return -ENOMEM;
        r = strv_push_printf(argv, &n, "syscon-init");
        if (r >= 0 && c->user)
                r = strv_push_printf(argv, &n, "--uid=%u", (unsigned) l->user.uid);
        if (r >= 0 && c->user)
                r = strv_push_printf(argv, &n, "--gid=%u", (unsigned) l->user.gid);
        if (r >= 0 && c->working_directory)
                r = strv_push_printf(argv, &n, "--chdir=%s", c->working_directory);
        if (r >= 0)
                r = strv_push_printf(argv, &n, "--");
        size_t command_index = n;
        if (r >= 0 && c->argc == 0)
                r = strv_push_printf(argv, &n, "%s", l->user.shell[0] ? l->user.shell : "/bin/sh");
        for (size_t i = 0; r >= 0 && i < c->argc; i++)
                r = strv_push_printf(argv, &n, "%s", c->argv[i]);
        if (r < 0)
                return log_error_errno(r, "Failed to build the command line: %m");

        l->init_argv = TAKE_PTR(argv);
        l->command = l->init_argv[command_index];
        return 0;
}

static const char *term_for(enum console_mode mode) {
        const char *term = getenv("TERM");

        if (mode == CONSOLE_PIPE)
                return "dumb";
        return term && *term ? term : "vt220";
}

static int prepare(struct config *c, struct launch *l) {
        int r;

        r = resolve_tree(c, l);
        if (r >= 0)
                r = resolve_machine_name(c, l);
        if (r >= 0)
                r = resolve_user(c, l);
        if (r >= 0)
                r = check_bind_sources(c);
        if (r >= 0)
                r = make_uuid(l->container_uuid);
        if (r >= 0)
                r = build_init_argv(c, l);
        if (r < 0)
                return r;

        l->console = console_mode_resolve(c->console, c->verb);
        r = environ_build(c, &l->user, l->container_uuid, term_for(l->console), &l->envp);
        if (r < 0)
                return log_error_errno(r, "Failed to build the container's environment: %m");

        l->init_fd = init_memfd_create();
        if (l->init_fd < 0)
                return log_error_errno(l->init_fd, "Failed to load syscon-init into memory: %m");

        l->tree_fd = mount_clone_tree(l->rootfs_fd, c->read_only);
        if (l->tree_fd < 0)
                return log_error_errno(l->tree_fd, "Failed to clone the mounts of %s: %m", l->rootfs);
        return 0;
}

int verb_run(struct config *c) {
        struct launch l = { .rootfs_fd = -EBADF, .tree_fd = -EBADF, .init_fd = -EBADF };
        struct container ct = CONTAINER_NULL;
        sigset_t mask;
        int r;

        r = prepare(c, &l);
        if (r < 0)
                goto finish;

        supervisor_signal_set(&mask);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
                r = log_error_errno(-errno, "Failed to block signals: %m");
                goto finish;
        }

        struct container_spec spec = {
                .config = c,
                .rootfs = l.rootfs,
                .hostname = c->hostname ?: c->machine,
                .console = l.console,
                .init_argv = l.init_argv,
                .envp = l.envp,
                .tree_fd = l.tree_fd,
                .init_fd = l.init_fd,
        };
        r = container_start(&spec, &ct);
        if (r < 0)
                goto finish;
        l.init_fd = safe_close(l.init_fd);
        l.tree_fd = safe_close(l.tree_fd);

        if (l.console == CONSOLE_INTERACTIVE && !c->quiet)
                log_info("Spawning container %s on %s.\nPress Ctrl-] three times within 1s to kill "
                         "the container.", c->machine, l.rootfs);

        r = container_wait_exec(&ct, l.command);
        if (r >= 0)
                r = supervisor_run(&ct, l.console, c->kill_signal ?: SIGTERM, true);

finish:
        container_done(&ct);
        launch_done(&l);
        return r < 0 ? EXIT_LAUNCHER_ERROR : r;
}
