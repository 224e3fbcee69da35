/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include <stddef.h>

/* The container's mount table, built with the new mount API inside the container's own mount
 * namespace: every target is resolved inside the tree (rootfs.h) and mounted on by fd, never by a
 * path string the tree could redirect. All functions return 0 or a negative errno and do not log:
 * the container's setup sequence names the step that failed. */

/* One --bind, --bind-ro or --tmpfs entry, its paths checked and normalized. */
enum custom_mount_type {
        CUSTOM_MOUNT_BIND,
        CUSTOM_MOUNT_BIND_READ_ONLY,
        CUSTOM_MOUNT_TMPFS,
};

struct custom_mount {
        enum custom_mount_type type;
        char *source;  /* host path (bind) or NULL (tmpfs) */
        char *target;  /* absolute path inside the container, normalized */
        char *options; /* tmpfs options, or NULL */
        bool recursive; /* bind: rbind (default) or norbind */
        bool idmap;     /* bind with user namespaces: ID-mapped through the container's range (:idmap) or not (default) */
};

/* Stops mount events from propagating between the host and the container, both ways. */
int mount_make_private(void);

/* A detached clone of the tree (read-only if asked), made on the host before the container exists,
 * so that the supervisor can still adjust it (e.g. ID-map it) before the container attaches it.
 * Returns its fd. */
int mount_clone_tree(int rootfs_fd, bool read_only);

/* A detached clone of the host path `source` for a --bind mount, made by the supervisor like the
 * tree's (so that it can be ID-mapped before the container attaches it). Returns its fd. */
int mount_clone_host_path(const char *source, bool recursive, bool read_only);

/* ID-maps a detached mount through the user namespace `userns_fd`: files owned by N on disk belong
 * to whoever N maps to in that namespace, and the reverse for files created through the mount. */
int mount_set_idmap(int mount_fd, int userns_fd, bool recursive);

/* In the container's mount namespace: attaches the clone on top of the tree's directory, opened as
 * `target_fd` in that namespace. From then on `tree_fd` is the container's root for every lookup. */
int mount_attach_tree(int tree_fd, int target_fd);

/* Mounts a new instance of `fstype` on `target` inside the tree. `options` is a comma list of
 * key=value and flag words (or NULL); `attrs` are MOUNT_ATTR_* flags. If `ret_mount_fd` is not NULL
 * it receives a directory fd on the new mount's root. */
int mount_new_fs(int root_fd, const char *target, const char *fstype, const char *options, unsigned attrs,
                 int *ret_mount_fd);

/* Bind-mounts `source_fd` (an O_PATH fd, or an open_tree() clone) onto `target_fd`. */
int mount_bind_fd(int source_fd, int target_fd, bool recursive, bool read_only);

/* /proc and /sys for the container: a fresh proc with the kernel's knobs read-only (but for
 * /proc/sys/net when `writable_net`: a private network namespace's own) and the files that leak host
 * secrets masked; a fresh read-only sysfs. `failed_path` receives the path that
 * could not be set up. */
int mount_proc(int root_fd, bool writable_net, const char **failed_path);
int mount_sys(int root_fd, const char **failed_path);

/* The --bind, --bind-ro and --tmpfs list, in order; bind_fds[i] is the clone of mounts[i]'s source
 * (mount_clone_host_path()). `failed` receives the entry that failed. */
int mount_custom(int root_fd, const struct custom_mount *mounts, const int *bind_fds, size_t n,
                 const struct custom_mount **failed);

/* Makes the tree the root of the mount namespace and detaches the host's mounts from it. */
int mount_enter_root(int root_fd);
