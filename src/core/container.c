/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "basic/exit-status.h"
#include "basic/handshake.h"
#include "basic/log.h"
#include "core/container.h"
#include "core/userns-chown.h"

static unsigned long namespace_flags(const struct container_spec *spec) {
        /* No CLONE_NEWCGROUP: the child unshares its cgroup namespace once the supervisor has moved
         * it into its own cgroup, which then becomes the namespace's root. */
        unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;

        if (spec->userns.count > 0)
                flags |= CLONE_NEWUSER;
        if (network_config_is_private(spec->network))
                flags |= CLONE_NEWNET;
        return flags;
}

static int clone_container(struct container *c, int child_fd) {
        int pidfd = -EBADF;
        struct clone_args args = {
                .flags = namespace_flags(c->spec) | CLONE_PIDFD,
                .pidfd = (uint64_t) (uintptr_t) &pidfd,
                .exit_signal = SIGCHLD,
        };
        int cgroup_fd = cgroup_clone_fd(c->cgroup);
        long pid;

        if (cgroup_fd >= 0) {
                args.flags |= CLONE_INTO_CGROUP;
                args.cgroup = (uint64_t) cgroup_fd;
        }
        pid = syscall(SYS_clone3, &args, sizeof args);
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                safe_close(c->handshake_fd);
                container_child(c, child_fd);
        }

        c->pid = (pid_t) pid;
        c->pidfd = pidfd;
        return 0;
}

/* The parent reports what the child could not: the child never logs. */
static int expect_step(struct container *c, enum handshake_step step, int *ret_fd) {
        struct handshake_msg msg = {};
        int r;

        r = handshake_expect(c->handshake_fd, step, ret_fd, &msg);
        if (r >= 0)
                return 0;
        if (msg.step == HANDSHAKE_ERROR)
                return log_error_errno(r, "%s: %m", msg.text);
        if (r == -ECONNRESET)
                return log_error_errno(r, "The container exited before step %s of the handshake.",
                                       handshake_step_to_string(step));
        if (r == -EPROTO)
                return log_error_errno(r, "Handshake out of order: expected step %s, got %s.",
                                       handshake_step_to_string(step),
                                       handshake_step_to_string(msg.step));
        return log_error_errno(r, "Handshake failed while waiting for step %s: %m",
                               handshake_step_to_string(step));
}

/* The parent's side of the handshake up to the created container, step by step. */
static int parent_handshake(struct container *c) {
        int r;

        r = container_host_setup(c);
        if (r < 0)
                return r;

        r = handshake_send(c->handshake_fd, HANDSHAKE_PARENT_READY, -EBADF);
        if (r < 0)
                return log_error_errno(r, "Failed to signal the container to proceed: %m");

        if (console_uses_pty(c->spec->console)) {
                r = expect_step(c, HANDSHAKE_CONSOLE, &c->console_master);
                if (r < 0)
                        return r;
                if (c->console_master < 0)
                        return log_error_errno(-EBADMSG, "The container sent no console fd.");
        }
        return expect_step(c, HANDSHAKE_CREATED, NULL);
}

static int spawn(struct container *c) {
        _cleanup_close_pair_ int pair[2] = { -EBADF, -EBADF };
        int r;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
                return log_error_errno(-errno, "Failed to create the handshake socket: %m");
        c->handshake_fd = TAKE_FD(pair[0]);

        r = clone_container(c, pair[1]);
        if (r < 0)
                return log_error_errno(r, "Failed to create the container's namespaces: %m");
        return 0;
}

/* Sets *ret_idmap_unsupported when the tree's file system refused to be ID-mapped where the spec may
 * shift it instead; that failure alone is not logged. */
static int create_once(const struct container_spec *spec, bool idmap_tree, struct container *ret,
                       bool *ret_idmap_unsupported) {
        struct container c = CONTAINER_NULL;
        int r;

        c.spec = spec;
        c.idmap_tree = idmap_tree;
        r = cgroup_prepare(spec->properties, spec->machine, &c.cgroup);
        if (r >= 0)
                r = network_prepare(spec->network, spec->machine, &c.network);
        /* After every check of the host, so that a refused start leaves the tree as it was. */
        if (r >= 0 && spec->shift_tree)
                r = userns_chown_tree_to(spec->rootfs_fd, spec->userns.base, spec->userns.count);
        if (r >= 0)
                r = container_clone_mounts(&c);
        if (r >= 0)
                r = spawn(&c);
        if (r >= 0)
                r = parent_handshake(&c);
        /* Attached in the container by now, or never to be: the container's mount namespace holds
         * them, and holding them here would keep its mounts alive after it ends. */
        container_close_mounts(&c);
        if (r < 0) {
                *ret_idmap_unsupported = c.idmap_unsupported;
                container_destroy(&c, true);
                return r;
        }
        *ret = c;
        return 0;
}

/* With --private-users-ownership=auto, a tree whose file system cannot be ID-mapped is shifted on
 * disk instead. That shows only once the container's user namespace exists: the attempt is undone
 * (nothing of the tree was touched yet) and made again on the shifted tree. */
static int shift_for_lack_of_idmap(const struct container_spec *spec) {
        if (!spec->quiet)
                log_info("The file system of %s cannot be ID-mapped: shifting its ownership to the "
                         "container's ID range on disk instead.", spec->rootfs);
        return userns_chown_tree_to(spec->rootfs_fd, spec->userns.base, spec->userns.count);
}

int container_create(const struct container_spec *spec, struct container *ret) {
        bool idmap_tree = spec->idmap_tree, unsupported = false;
        uint32_t tree_base;
        int r;

        /* A reboot finds the tree shifted by the first start. */
        if (spec->shift_tree_if_no_idmap && userns_tree_shift_base(spec->rootfs_fd, &tree_base) >= 0 &&
            tree_base == spec->userns.base)
                idmap_tree = false;

        r = create_once(spec, idmap_tree, ret, &unsupported);
        if (r >= 0 || !unsupported)
                return r;
        r = shift_for_lack_of_idmap(spec);
        if (r < 0)
                return r;
        return create_once(spec, false, ret, &unsupported);
}

static void log_exec_failure(const struct handshake_msg *msg, const char *command) {
        int error = -msg->error;

        if (exit_status_from_exec_error(error) == EXIT_COMMAND_NOT_FOUND)
                log_error_errno(error, "Command %s not found in the container: %m. "
                                "Check the name, or give its full path inside the tree.", command);
        else
                log_error_errno(error, "Command %s cannot be executed in the container: %m. "
                                "Check its mode and format (chmod +x, right architecture).", command);
}

int container_start(struct container *c) {
        const char *command = c->spec->command;
        struct handshake_msg msg;
        int r;

        r = handshake_send(c->handshake_fd, HANDSHAKE_START, -EBADF);
        if (r < 0)
                return log_error_errno(r, "Failed to start %s in the container: %m", command);

        r = handshake_recv(c->handshake_fd, &msg, NULL);
        c->handshake_fd = safe_close(c->handshake_fd);
        if (r < 0)
                return log_error_errno(r, "Failed to learn whether %s started: %m", command);
        if (r == 0)
                return 0;

        if (msg.step == HANDSHAKE_EXEC_FAILED)
                log_exec_failure(&msg, command);
        else if (msg.step == HANDSHAKE_ERROR)
                log_error_errno(msg.error > 0 ? -msg.error : -EIO, "%s: %m", msg.text);
        else
                return log_error_errno(-EPROTO, "Handshake out of order: got step %s after %s.",
                                       handshake_step_to_string(msg.step),
                                       handshake_step_to_string(HANDSHAKE_START));
        return 0;
}

int container_signal(struct container *c, int sig) {
        if (c->pidfd < 0)
                return -ESRCH;
        return RET_NERRNO(pidfd_send_signal(c->pidfd, sig, NULL, 0));
}

void container_destroy(struct container *c, bool quiet) {
        if (c->pidfd >= 0) {
                siginfo_t si;

                /* Killing PID 1 of the namespace kills everything in it; its mount namespace, and so
                 * every mount made for it, goes with its last process. */
                (void) pidfd_send_signal(c->pidfd, SIGKILL, NULL, 0);
                while (waitid(P_PIDFD, (id_t) c->pidfd, &si, WEXITED) < 0 && errno == EINTR)
                        ;
        }
        c->pidfd = safe_close(c->pidfd);
        c->console_master = safe_close(c->console_master);
        c->handshake_fd = safe_close(c->handshake_fd);
        c->pid = 0;
        container_close_mounts(c);
        network_teardown(c->network);
        c->network = NULL;
        /* PID 1 is reaped by now: what the kernel accounted to the container is final. */
        cgroup_finish(c->cgroup, quiet);
        c->cgroup = NULL;
}
