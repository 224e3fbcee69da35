/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* Paths inside the container tree are hostile: every lookup is relative to the tree's root fd,
 * resolved by the kernel inside it (openat2 RESOLVE_IN_ROOT, no magic links), so that no symlink
 * in the tree can lead out of it. */

enum rootfs_target_kind {
        ROOTFS_TARGET_DIRECTORY,
        ROOTFS_TARGET_FILE,
};

/* Opens `path` (absolute, inside the tree) as an O_PATH fd to mount on, creating it and its missing
 * parents (mode 0755 directories, an empty 0644 file for ROOTFS_TARGET_FILE, whatever the umask)
 * if needed. A final component that is a symlink is refused with -ELOOP; parents that are symlinks
 * are followed inside the tree, but nothing is created where a symlink is. An existing target of
 * the wrong type is -ENOTDIR or -EISDIR; a missing one named "." or ".." -EINVAL, before anything
 * is created. Returns the fd, or a negative errno. */
int rootfs_open_target(int root_fd, const char *path, enum rootfs_target_kind kind);

/* What rootfs_open_target() would refuse, without creating anything: 0 when `path` is missing or
 * of the right kind, else -ELOOP, -ENOTDIR or -EISDIR as it would. */
int rootfs_check_target(int root_fd, const char *path, enum rootfs_target_kind kind);

/* Opens an existing `path` inside the tree with `flags` (O_CLOEXEC is added). Returns the fd or a
 * negative errno. */
int rootfs_open(int root_fd, const char *path, int flags);

/* Opens an existing regular file inside the tree for reading, its symlinks resolved inside the tree;
 * -EISDIR for a directory, -EBADFD for anything else (a FIFO, a device), without blocking on it. */
int rootfs_open_regular(int root_fd, const char *path);

/* The same as an O_PATH fd, for a file to execute: -EACCES when no execute bit is set. */
int rootfs_open_executable(int root_fd, const char *path);
