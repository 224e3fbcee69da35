/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "settings/launch-userns.h"
#include "basic/log.h"
#include "basic/runtime-dir.h"
#include "core/userns-chown.h"

static int current_shift(int rootfs_fd, const char *rootfs, uint32_t *ret) {
        int r = userns_tree_shift_base(rootfs_fd, ret);

        if (r < 0)
                return log_error_errno(r, "Cannot tell which ID range the tree %s belongs to: %m. Its "
                                       "root directory should be owned by one UID and the same GID "
                                       "(0, or the base of a range it was shifted to).", rootfs);
        return 0;
}

/* Which of map, chown and off serves the range, given what the tree already is. */
static int settle_ownership(const struct config *c, int rootfs_fd, const char *rootfs, struct launch_userns *u) {
        uint32_t shift = 0;
        int r;

        /* The identity range needs no mapping: IDs on disk are the IDs inside. */
        if (u->range.base == 0)
                return 0;

        switch (c->private_users_ownership) {
        case PRIVATE_USERS_OWNERSHIP_OFF:
                return 0;
        case PRIVATE_USERS_OWNERSHIP_MAP:
                u->idmap_tree = true;
                return 0;
        case PRIVATE_USERS_OWNERSHIP_CHOWN:
                return userns_chown_tree_to(rootfs_fd, u->range.base, u->range.count);
        case PRIVATE_USERS_OWNERSHIP_AUTO:
                r = current_shift(rootfs_fd, rootfs, &shift);
                if (r < 0)
                        return r;
                /* A tree shifted before (by chown, or by nspawn) stays shifted; one on the range's
                 * base already is what the container needs. */
                if (shift == u->range.base)
                        return 0;
                if (shift != 0)
                        return userns_chown_tree(rootfs_fd, shift, u->range.base, u->range.count);
                u->idmap_tree = true;
                u->chown_if_no_idmap = true;
                return 0;
        }
        return -EINVAL;
}

int launch_userns_prepare(struct config *c, int rootfs_fd, const char *rootfs, struct launch_userns *ret) {
        struct launch_userns u = LAUNCH_USERNS_NULL;
        int r;

        /* User namespaces are the default for every verb: root inside is nobody outside. */
        if (c->private_users.mode == PRIVATE_USERS_UNSET)
                c->private_users.mode = PRIVATE_USERS_PICK;

        r = userns_lease_acquire(&c->private_users, c->machine, SYSCON_RUNTIME_DIR, &u.lease);
        if (r < 0)
                return r;
        u.range = (struct userns_range) { .base = u.lease.base, .count = u.lease.count };

        if (u.range.count > 0) {
                r = settle_ownership(c, rootfs_fd, rootfs, &u);
                if (r < 0) {
                        userns_lease_release(&u.lease);
                        return r;
                }
        }
        *ret = u;
        return 0;
}

void launch_userns_done(struct launch_userns *u) {
        userns_lease_release(&u->lease);
}
