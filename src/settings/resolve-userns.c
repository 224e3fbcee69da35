/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "basic/log.h"
#include "basic/runtime-dir.h"
#include "core/mount.h"
#include "core/userns-chown.h"
#include "settings/resolve.h"

/* What mount_setattr() says when a file system does not do ID-mapped mounts. */
#define IN_SET_IDMAP_UNSUPPORTED(r) ((r) == -EINVAL || (r) == -EOPNOTSUPP || (r) == -EPERM)

static int current_shift(const struct container_spec *spec, uint32_t *ret) {
        int r = userns_tree_shift_base(spec->rootfs_fd, ret);

        if (r < 0)
                return log_error_errno(r, "Cannot tell which ID range the tree %s belongs to: %m. Its "
                                       "root directory should be owned by one UID and the same GID "
                                       "(0, or the base of a range it was shifted to).", spec->rootfs);
        return 0;
}

/* Whether the tree (with everything mounted below it) can be mounted ID-mapped: tried on a clone of
 * its own, so that the answer is known before anything starts. */
static int tree_can_idmap(const struct container_spec *spec) {
        _cleanup_close_ int clone = mount_clone_tree(spec->rootfs_fd, false);
        int r;

        if (clone < 0)
                return log_error_errno(clone, "Failed to clone the mounts of %s: %m", spec->rootfs);
        r = mount_set_idmap(clone, spec->idmap_userns_fd, true);
        if (IN_SET_IDMAP_UNSUPPORTED(r))
                return false;
        if (r < 0)
                return log_error_errno(r, "Failed to ID-map the tree %s: %m", spec->rootfs);
        return true;
}

/* Which of map, chown and off serves the range, given what the tree already is. The tree is only
 * shifted on disk by container_create(), once the host has been checked too: no refused start
 * rewrites a tree. */
static int settle_ownership(const struct config *c, struct container_spec *spec) {
        uint32_t base = spec->userns.base, tree_base;
        int r;

        if (c->private_users_ownership == PRIVATE_USERS_OWNERSHIP_OFF)
                return 0;
        if (c->private_users_ownership == PRIVATE_USERS_OWNERSHIP_MAP) {
                spec->idmap_tree = true;
                return 0;
        }
        r = current_shift(spec, &tree_base);
        if (r < 0)
                return r;
        /* A tree on the range's base already is what the container needs. */
        if (tree_base == base)
                return 0;
        r = userns_chown_check(spec->rootfs_fd, tree_base, base, spec->userns.count);
        if (r < 0)
                return r;
        /* auto: a tree shifted before (by chown, or by nspawn) stays shifted. */
        if (c->private_users_ownership == PRIVATE_USERS_OWNERSHIP_AUTO && tree_base == 0) {
                r = tree_can_idmap(spec);
                if (r < 0)
                        return r;
                if (r > 0) {
                        spec->idmap_tree = true;
                        return 0;
                }
                log_info("The file system of %s cannot be ID-mapped: shifting its ownership to the "
                         "container's ID range on disk instead.", spec->rootfs);
        }
        spec->shift_tree = true;
        return 0;
}

static bool binds_want_idmap(const struct config *c) {
        for (size_t i = 0; i < c->n_mounts; i++)
                if (c->mounts[i].type != CUSTOM_MOUNT_TMPFS && c->mounts[i].idmap)
                        return true;
        return false;
}

int resolve_userns(const struct config *c, struct container_spec *spec) {
        struct private_users pu = c->private_users;
        int r;

        /* User namespaces are the default for every verb: root inside is nobody outside. */
        if (pu.mode == PRIVATE_USERS_UNSET)
                pu.mode = PRIVATE_USERS_PICK;

        r = userns_lease_acquire(&pu, spec->machine, SYSCON_RUNTIME_DIR, &spec->lease);
        if (r < 0)
                return r;
        spec->userns = (struct userns_range) { .base = spec->lease.base, .count = spec->lease.count };
        /* The identity range needs no mapping: IDs on disk are the IDs inside. */
        if (spec->userns.count == 0 || spec->userns.base == 0)
                return 0;

        if (c->private_users_ownership == PRIVATE_USERS_OWNERSHIP_MAP ||
            c->private_users_ownership == PRIVATE_USERS_OWNERSHIP_AUTO || binds_want_idmap(c)) {
                /* Made here, before the container's own namespace exists, so that auto can learn
                 * whether the tree's file system can be ID-mapped before anything starts. */
                spec->idmap_userns_fd = userns_create(&spec->userns);
                if (spec->idmap_userns_fd < 0)
                        return log_error_errno(spec->idmap_userns_fd, "Failed to create a user "
                                               "namespace for ID-mapped mounts: %m");
        }
        return settle_ownership(c, spec);
}
