/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "core/capability.h"
#include "core/container.h"
#include "core/dev.h"
#include "basic/exit-status.h"
#include "core/guest.h"
#include "basic/handshake.h"
#include "core/mount.h"
#include "core/seccomp-filter.h"

/* The container's first process, from clone to the exec of its init. Runs inside the new
 * namespaces; every failure goes back to the supervisor over the handshake socket, which reports
 * it: this side never logs. */

static int fail_mount(int sock, int r, const char *rootfs, const char *path) {
        if (r == -ELOOP)
                return handshake_send_error(sock, r, "%s%s is a symlink; syscon mounts only on real "
                                            "directories and files inside the tree (a link could "
                                            "lead out of it): replace it with a directory", rootfs, path);
        if (r == -ENOTDIR)
                return handshake_send_error(sock, r, "%s%s must be a directory", rootfs, path);
        return handshake_send_error(sock, r, "Failed to mount %s in the container", path);
}

static int fail_custom_mount(int sock, int r, const char *rootfs, const struct custom_mount *m) {
        static const char *const names[] = {
                [CUSTOM_MOUNT_BIND] = "--bind",
                [CUSTOM_MOUNT_BIND_READ_ONLY] = "--bind-ro",
                [CUSTOM_MOUNT_TMPFS] = "--tmpfs",
        };

        if (r == -ELOOP)
                return handshake_send_error(sock, r, "%s target %s%s is a symlink; refusing to follow "
                                            "it (it could lead out of the tree): choose another "
                                            "target", names[m->type], rootfs, m->target);
        return handshake_send_error(sock, r, "Failed to mount %s=%s%s%s", names[m->type],
                                    m->source ?: "", m->source ? ":" : "", m->target);
}

/* Runs once the supervisor has written the ID maps; the child was cloned into its cgroup2 directory
 * and joins its v1 cgroups here, while it is still the host's root. */
static int enter_namespaces(const struct container *c, int sock) {
        const struct container_spec *spec = c->spec;
        int r = cgroup_join(c->cgroup);

        if (r < 0)
                return handshake_send_error(sock, r, "Failed to join the container's cgroups");
        /* Until now the child runs as the host's root, which the new user namespace does not map:
         * become its root, with the capabilities it holds there. */
        if (spec->userns.count > 0) {
                if (setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0 || setresuid(0, 0, 0) < 0)
                        return handshake_send_error(sock, -errno, "Failed to become root in the "
                                                    "container's user namespace");
                /* The kernel clears the parent-death signal on every change of credentials. A
                 * supervisor that died meanwhile is seen by the next handshake step. */
                if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
                        return handshake_send_error(sock, -errno, "Failed to tie the container to "
                                                    "its supervisor");
        }
        if (unshare(CLONE_NEWCGROUP) < 0)
                return handshake_send_error(sock, -errno, "Failed to create the container's cgroup "
                                            "namespace");
        return 0;
}

static int setup_identity(const struct container_spec *spec, int sock) {
        int r;

        if (sethostname(spec->hostname, strlen(spec->hostname)) < 0)
                return handshake_send_error(sock, -errno, "Failed to set the hostname to %s",
                                            spec->hostname);
        r = network_setup_container(spec->network);
        if (r < 0)
                return handshake_send_error(sock, r, "Failed to configure the container's network");
        return 0;
}

static int setup_mounts(const struct container *c, int sock, int tree_dir_fd) {
        const struct container_spec *spec = c->spec;
        const struct custom_mount *failed_mount;
        const char *failed_path;
        int root_fd = c->tree_fd;
        int r;

        r = mount_make_private();
        if (r < 0)
                return handshake_send_error(sock, r, "Failed to make the container's mounts private");
        r = mount_attach_tree(root_fd, tree_dir_fd);
        if (r < 0)
                return handshake_send_error(sock, r, "Failed to mount the tree %s", spec->rootfs);

        r = mount_proc(root_fd, network_config_is_private(spec->network), &failed_path);
        if (r >= 0)
                r = mount_sys(root_fd, &failed_path);
        if (r >= 0) {
                failed_path = "/sys/fs/cgroup";
                /* Never a cgroup tree shared with the host or the supervisor writable. */
                r = guest_cgroup_mount(root_fd, spec->boot && c->cgroup);
        }
        if (r >= 0)
                r = dev_setup(root_fd, &failed_path);
        if (r < 0)
                return fail_mount(sock, r, spec->rootfs, failed_path);

        static const char *const tmpfs_dirs[][2] = { { "/run", "mode=0755" }, { "/tmp", "mode=1777" } };
        for (size_t i = 0; i < ELEMENTSOF(tmpfs_dirs); i++) {
                r = mount_new_fs(root_fd, tmpfs_dirs[i][0], "tmpfs", tmpfs_dirs[i][1],
                                 MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, NULL);
                if (r < 0)
                        return fail_mount(sock, r, spec->rootfs, tmpfs_dirs[i][0]);
        }
        if (spec->boot) {
                r = guest_interface_setup(root_fd, spec->uuid, &failed_path);
                if (r < 0)
                        return fail_mount(sock, r, spec->rootfs, failed_path);
        }

        r = mount_custom(root_fd, spec->mounts, c->bind_fds, spec->n_mounts, &failed_mount);
        if (r < 0)
                return fail_custom_mount(sock, r, spec->rootfs, failed_mount);
        return 0;
}

static int setup_console(const struct container_spec *spec, int sock, int root_fd, int *ret_peer) {
        _cleanup_close_ int master = -EBADF;
        int r;

        if (!console_uses_pty(spec->console)) {
                *ret_peer = -EBADF;
                return 0;
        }
        r = dev_open_console(root_fd, &master, ret_peer);
        if (r < 0)
                return handshake_send_error(sock, r, "Failed to allocate the container's console");
        return handshake_send(sock, HANDSHAKE_CONSOLE, master);
}

/* Puts the handshake socket at the fd syscon-init expects, the console (if any) on stdio, and makes
 * every other fd close on exec: only 0, 1, 2 and the socket reach syscon-init (which closes the
 * socket when it execs the command or a booted init). */
static int arrange_fds(int *sock, int *init_fd, int console_peer) {
        if (console_peer >= 0)
                for (int fd = 0; fd < 3; fd++)
                        if (dup2(console_peer, fd) < 0)
                                return -errno;
        if (*init_fd == SYSCON_INIT_HANDSHAKE_FD) {
                *init_fd = fcntl(*init_fd, F_DUPFD_CLOEXEC, SYSCON_INIT_HANDSHAKE_FD + 1);
                if (*init_fd < 0)
                        return -errno;
        }
        if (*sock != SYSCON_INIT_HANDSHAKE_FD) {
                if (dup2(*sock, SYSCON_INIT_HANDSHAKE_FD) < 0)
                        return -errno;
                *sock = SYSCON_INIT_HANDSHAKE_FD;
        } else if (fcntl(*sock, F_SETFD, 0) < 0)
                return -errno;
        return RET_NERRNO(close_range(SYSCON_INIT_HANDSHAKE_FD + 1, ~0U, CLOSE_RANGE_CLOEXEC));
}

/* The supervisor blocks the signals it handles; init starts from a clean slate. */
static void reset_signals(void) {
        sigset_t none;

        for (int sig = 1; sig < _NSIG; sig++)
                (void) signal(sig, SIG_DFL);
        sigemptyset(&none);
        (void) sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Last, once nothing but the exec is left to do: capabilities, then the seccomp filter (loading
 * it takes CAP_SYS_ADMIN in the effective set, which capability_apply() leaves alone). */
static int confine(const struct container_spec *spec, int sock) {
        int r;

        r = capability_apply(spec->capabilities, spec->no_new_privileges);
        if (r < 0)
                return handshake_send_error(sock, r, "Failed to drop the container's capabilities");
        r = seccomp_filter_load(&spec->seccomp);
        if (r < 0)
                return handshake_send_error(sock, r, "Failed to load the container's system call filter");
        return 0;
}

static int exec_init(const struct container_spec *spec, int sock, int console_peer) {
        int init_fd = spec->init_fd;
        int r;

        r = arrange_fds(&sock, &init_fd, console_peer);
        if (r < 0)
                return handshake_send_error(sock, r, "Failed to set up the container's fds");

        reset_signals();
        execveat(init_fd, "", spec->init_argv, spec->envp, AT_EMPTY_PATH);
        return handshake_send_error(sock, -errno, "Failed to execute %s in the container",
                                    spec->init_argv[0]);
}

/* Every step from clone to the created container; a failure is sent to the parent, which reports it. */
static int create(const struct container *c, int sock, int *console_peer) {
        const struct container_spec *spec = c->spec;
        _cleanup_close_ int tree_dir_fd = -EBADF;
        int r;

        /* Opened while still the host's root: as the user namespace's root the child could not
         * search the directories above the tree, which need not be open to everyone. It is this
         * mount namespace's copy of the directory, where the tree's clone gets attached. */
        tree_dir_fd = RET_NERRNO(open(spec->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC));
        /* Not reported: a parent that is gone or out of step has nobody to tell, and it reports
         * what it saw itself. */
        r = handshake_expect(sock, HANDSHAKE_PARENT_READY, NULL, NULL);
        if (r < 0)
                return r;
        if (tree_dir_fd < 0)
                return handshake_send_error(sock, tree_dir_fd, "Failed to open the tree %s", spec->rootfs);
        r = enter_namespaces(c, sock);
        if (r >= 0)
                r = setup_identity(spec, sock);
        if (r >= 0)
                r = setup_mounts(c, sock, tree_dir_fd);
        if (r >= 0)
                r = setup_console(spec, sock, c->tree_fd, console_peer);
        if (r < 0)
                return r;
        r = mount_enter_root(c->tree_fd);
        if (r < 0)
                return handshake_send_error(sock, r, "Failed to enter the tree %s", spec->rootfs);
        r = confine(spec, sock);
        if (r < 0)
                return r;
        return handshake_send(sock, HANDSHAKE_CREATED, -EBADF);
}

_Noreturn void container_child(const struct container *c, int sock) {
        _cleanup_close_ int console_peer = -EBADF;
        int r;

        /* If the supervisor dies, so does the container (SIGKILL to PID 1 kills the namespace). A
         * supervisor that died before this point is seen as end-of-file by the next step. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
                _exit(EXIT_LAUNCHER_ERROR);

        r = create(c, sock, &console_peer);
        if (r >= 0)
                r = handshake_expect(sock, HANDSHAKE_START, NULL, NULL);
        if (r >= 0)
                exec_init(c->spec, sock, console_peer);
        _exit(EXIT_LAUNCHER_ERROR);
}
