/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "settings/config.h"
#include "core/userns-range.h"
#include "core/userns.h"

/* The user namespace of a container to start: its lease on a host ID range and how the tree's
 * ownership meets that range. */
struct launch_userns {
        struct userns_lease lease;
        struct userns_range range;  /* count 0: no user namespace */
        bool idmap_tree;            /* ID-map the tree's mount through the user namespace */
        bool chown_if_no_idmap;     /* --private-users-ownership=auto: shift the tree on disk if
                                     * its file system cannot be ID-mapped */
};

#define LAUNCH_USERNS_NULL ((struct launch_userns) { .lease = USERNS_LEASE_NULL })

/* Leases the ID range the options ask for (a free one by default) and settles the tree's ownership
 * mode; with `chown` the tree is shifted here, before anything starts. Logs what fails. */
int launch_userns_prepare(struct config *c, int rootfs_fd, const char *rootfs, struct launch_userns *ret);

void launch_userns_done(struct launch_userns *u);
