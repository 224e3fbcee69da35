/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "basic/log.h"
#include "basic/runtime-dir.h"
#include "core/userns-chown.h"
#include "settings/resolve.h"

static int current_shift(const struct container_spec *spec, uint32_t *ret) {
        int r = userns_tree_shift_base(spec->rootfs_fd, ret);

        if (r < 0)
                return log_error_errno(r, "Cannot tell which ID range the tree %s belongs to: %m. Its "
                                       "root directory should be owned by one UID and the same GID "
                                       "(0, or the base of a range it was shifted to).", spec->rootfs);
        return 0;
}

/* Which of map, chown and off serves the range, given what the tree already is. The tree is only
 * ever shifted on disk by container_create(), once the host has been checked too: no refused start
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
        /* auto prefers mapping; whether the file system can do it shows only when it is tried. A
         * tree shifted before (by chown, or by nspawn) stays shifted. */
        if (c->private_users_ownership == PRIVATE_USERS_OWNERSHIP_AUTO && tree_base == 0) {
                spec->idmap_tree = true;
                spec->shift_tree_if_no_idmap = true;
                return 0;
        }
        r = userns_chown_check(spec->rootfs_fd, tree_base, base, spec->userns.count);
        if (r < 0)
                return r;
        spec->shift_tree = true;
        return 0;
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
        return settle_ownership(c, spec);
}
