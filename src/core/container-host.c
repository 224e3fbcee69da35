/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <sys/resource.h>

#include "basic/log.h"
#include "core/container.h"
#include "core/mount.h"

/* The supervisor's part of building the container: the mounts it hands over before clone, and
 * between clone and HANDSHAKE_PARENT_READY what needs the child's PID or namespaces and privileges
 * the child does not have. */

/* What mount_setattr() says when a file system does not do ID-mapped mounts. */
#define IN_SET_IDMAP_UNSUPPORTED(r) ((r) == -EINVAL || (r) == -EOPNOTSUPP || (r) == -EPERM)

static int clone_bind(struct container *c, size_t i) {
        const struct custom_mount *m = c->spec->mounts + i;

        c->bind_fds[i] = -EBADF;
        c->n_bind_fds++;
        if (m->type == CUSTOM_MOUNT_TMPFS)
                return 0;
        c->bind_fds[i] = mount_clone_host_path(m->source, m->recursive,
                                               m->type == CUSTOM_MOUNT_BIND_READ_ONLY);
        if (c->bind_fds[i] < 0)
                return log_error_errno(c->bind_fds[i], "Cannot bind %s into the container: %m", m->source);
        return 0;
}

/* Every start gets fresh clones: an attached clone belongs to the previous container's mount
 * namespace, an ID-mapping to its user namespace. */
int container_clone_mounts(struct container *c) {
        const struct container_spec *spec = c->spec;
        int r;

        c->tree_fd = mount_clone_tree(spec->rootfs_fd, spec->read_only);
        if (c->tree_fd < 0)
                return log_error_errno(c->tree_fd, "Failed to clone the mounts of %s: %m", spec->rootfs);
        c->bind_fds = calloc(c->spec->n_mounts ?: 1, sizeof(int));
        if (!c->bind_fds)
                return log_error_errno(-ENOMEM, "Failed to clone the bind mounts: %m");
        for (size_t i = 0; i < c->spec->n_mounts; i++) {
                r = clone_bind(c, i);
                if (r < 0)
                        return r;
        }
        return 0;
}

void container_close_mounts(struct container *c) {
        c->tree_fd = safe_close(c->tree_fd);
        for (size_t i = 0; i < c->n_bind_fds; i++)
                safe_close(c->bind_fds[i]);
        c->bind_fds = mfree(c->bind_fds);
        c->n_bind_fds = 0;
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

/* Only possible for the supervisor: ID-mapping a mount takes CAP_SYS_ADMIN in the user namespace
 * the file system was mounted in, the host's. */
static int idmap_mounts(struct container *c) {
        const struct container_spec *spec = c->spec;
        _cleanup_close_ int userns_fd = userns_open(c->pid);
        int r;

        if (userns_fd < 0)
                return log_error_errno(userns_fd, "Failed to open the container's user namespace: %m");
        if (c->idmap_tree) {
                r = mount_set_idmap(c->tree_fd, userns_fd, true);
                if (r < 0 && spec->shift_tree_if_no_idmap && IN_SET_IDMAP_UNSUPPORTED(r)) {
                        c->idmap_unsupported = true;
                        return r;
                }
                if (r < 0)
                        return log_error_errno(r, "Failed to ID-map the tree %s: %m. Its file system (or "
                                               "one mounted below it) may not support ID-mapped mounts: "
                                               "use --private-users-ownership=chown.", spec->rootfs);
        }
        for (size_t i = 0; i < spec->n_mounts; i++) {
                const struct custom_mount *m = spec->mounts + i;

                if (m->type == CUSTOM_MOUNT_TMPFS || !m->idmap)
                        continue;
                r = mount_set_idmap(c->bind_fds[i], userns_fd, m->recursive);
                if (r < 0)
                        return log_error_errno(r, "Failed to ID-map the bind mount of %s: %m. Its file "
                                               "system may not support ID-mapped mounts: bind it "
                                               "without :idmap.", m->source);
        }
        return 0;
}

int container_host_setup(struct container *c) {
        const struct userns_range *range = &c->spec->userns;
        int r;

        r = raise_fd_limit(c->pid);
        if (r < 0)
                return r;

        if (range->count > 0) {
                r = userns_write_maps(c->pid, range);
                if (r < 0)
                        return log_error_errno(r, "Failed to write the user namespace's ID maps (%u IDs "
                                               "from %u): %m", range->count, range->base);
                r = idmap_mounts(c);
                if (r < 0)
                        return r;
        }

        r = cgroup_attach(c->cgroup, c->pid);
        if (r >= 0 && range->count > 0)
                r = cgroup_delegate(c->cgroup, range->base, range->base);
        if (r >= 0)
                r = network_setup_host(c->network, c->pid);
        return r;
}
