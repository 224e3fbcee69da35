/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* The container interface a booted init looks for (systemd's CONTAINER_INTERFACE.md), set up inside
 * the tree before it becomes the root: /run/host/container-manager and /run/host/container-uuid, a
 * boot id of its own over /proc/sys/kernel/random/boot_id. Returns 0 or a negative errno;
 * `failed_path` names what failed. */
int guest_interface_setup(int root_fd, const char *container_uuid, const char **failed_path);

/* A cgroup2 tree on /sys/fs/cgroup rooted at the container's cgroup namespace: writable for a
 * booted init, which manages its own subtree, read-only for a single command. */
int guest_cgroup_mount(int root_fd, bool writable);
