/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>
#include <sys/types.h>

/* The container's user namespace as the supervisor sees it: host IDs base..base+count-1 become
 * 0..count-1 inside. count == 0 means no user namespace. */
struct userns_range {
        uint32_t base;
        uint32_t count;
};

/* Writes uid_map and gid_map of `pid`'s user namespace (the same range for both). setgroups stays
 * allowed: the maps are written by a privileged parent, and the container's root needs
 * setgroups() to run login and daemons. Returns 0 or a negative errno. */
int userns_write_maps(pid_t pid, const struct userns_range *range);

/* An O_CLOEXEC fd on `pid`'s user namespace, as MOUNT_ATTR_IDMAP wants it. */
int userns_open(pid_t pid);

