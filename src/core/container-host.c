/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <sys/resource.h>

#include "core/container.h"
#include "basic/log.h"
#include "core/mount.h"
#include "core/userns-chown.h"

/* The supervisor's part of building the container, between clone and HANDSHAKE_PARENT_READY: what
 * needs the child's PID or namespaces and privileges the child does not have. */

/* What mount_setattr() says when a file system does not do ID-mapped mounts. */
#define IN_SET_IDMAP_UNSUPPORTED(r) ((r) == -EINVAL || (r) == -EOPNOTSUPP || (r) == -EPERM)

static int setup_user_namespace(const struct container_spec *spec, pid_t pid) {
        const struct config *c = spec->config;
        _cleanup_close_ int userns_fd = -EBADF;
        int r;

        r = userns_write_maps(pid, &spec->userns);
        if (r < 0)
                return log_error_errno(r, "Failed to write the user namespace's ID maps (%u IDs from "
                                       "%u): %m", spec->userns.count, spec->userns.base);

        userns_fd = userns_open(pid);
        if (userns_fd < 0)
                return log_error_errno(userns_fd, "Failed to open the container's user namespace: %m");

        /* Only possible for the supervisor: ID-mapping a mount takes CAP_SYS_ADMIN in the user
         * namespace the file system was mounted in, the host's. */
        if (spec->idmap_tree) {
                r = mount_set_idmap(spec->tree_fd, userns_fd, true);
                if (r < 0 && spec->chown_fallback_fd >= 0 && IN_SET_IDMAP_UNSUPPORTED(r)) {
                        log_info("The file system of %s cannot be ID-mapped: shifting its ownership "
                                 "to the container's ID range on disk instead.", spec->rootfs);
                        r = userns_chown_tree_to(spec->chown_fallback_fd, spec->userns.base, spec->userns.count);
                        if (r < 0)
                                return r;
                } else if (r < 0)
                        return log_error_errno(r, "Failed to ID-map the tree %s: %m. Its file system "
                                               "(or one mounted below it) may not support ID-mapped "
                                               "mounts: use --private-users-ownership=chown.",
                                               spec->rootfs);
        }
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct custom_mount *m = c->mounts + i;

                if (m->type == CUSTOM_MOUNT_TMPFS || !m->idmap)
                        continue;
                r = mount_set_idmap(spec->bind_fds[i], userns_fd, m->recursive);
                if (r < 0)
                        return log_error_errno(r, "Failed to ID-map the bind mount of %s: %m. Its file "
                                               "system may not support ID-mapped mounts: bind it "
                                               "without :idmap.", m->source);
        }
        return 0;
}

/* Raised by the supervisor because a user namespace's root may not raise a hard limit: systemd's
 * defaults (soft 1024 for select()'s sake, hard 512 Ki), which guests like dbus-daemon expect. A host
 * that does not let even its root raise it (a sandbox) keeps the supervisor's own limits. */
static int raise_fd_limit(pid_t pid) {
        const struct rlimit nofile = { .rlim_cur = 1024, .rlim_max = 512 * 1024 };

        if (prlimit(pid, RLIMIT_NOFILE, &nofile, NULL) < 0 && errno != EPERM)
                return log_error_errno(-errno, "Failed to set the container's file descriptor limit: %m");
        return 0;
}

int container_host_setup(const struct container_spec *spec, const struct container *c) {
        int r;

        r = raise_fd_limit(c->pid);
        if (r < 0)
                return r;

        if (spec->userns.count > 0) {
                r = setup_user_namespace(spec, c->pid);
                if (r < 0)
                        return r;
        }

        r = cgroup_attach(spec->cgroup, c->pid);
        if (r >= 0 && spec->userns.count > 0)
                r = cgroup_delegate(spec->cgroup, spec->userns.base, spec->userns.base);
        if (r >= 0)
                r = network_setup_host(spec->network, c->pid);
        return r;
}
