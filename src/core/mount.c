/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "basic/macro.h"
#include "core/mount.h"
#include "core/rootfs.h"

/* What the kernel exposes in /proc and /sys that a container must not change or read. */
static const char *const proc_read_only[] = {
        "/proc/sys", "/proc/sysrq-trigger", "/proc/bus", "/proc/fs", "/proc/irq",
};
static const char *const proc_masked[] = {
        "/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/kallsyms", "/proc/sched_debug",
        "/proc/latency_stats", "/proc/acpi", "/proc/scsi",
};
static const char *const sys_masked[] = {
        "/sys/firmware",
};

int mount_make_private(void) {
        return RET_NERRNO(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
}

static int set_read_only(int mount_fd, bool recursive) {
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

        return RET_NERRNO(mount_setattr(mount_fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0),
                                        &attr, sizeof attr));
}

static int attach(int mount_fd, int target_fd) {
        return RET_NERRNO(move_mount(mount_fd, "", target_fd, "",
                                     MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH));
}

static int clone_mount(int dir_fd, const char *path, unsigned flags, bool recursive, bool read_only) {
        /* A clone of a shared mount (every mount is shared under systemd) joins its peer group: what
         * the container mounts on it would propagate back into the host's tree, and pivot_root()
         * refuses a shared new root (EINVAL). */
        struct mount_attr private = { .propagation = MS_PRIVATE };
        _cleanup_close_ int clone = -EBADF;
        int r;

        clone = open_tree(dir_fd, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | flags | (recursive ? AT_RECURSIVE : 0));
        if (clone < 0)
                return -errno;
        if (mount_setattr(clone, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &private, sizeof private) < 0)
                return -errno;
        if (read_only) {
                r = set_read_only(clone, recursive);
                if (r < 0)
                        return r;
        }
        return TAKE_FD(clone);
}

int mount_clone_tree(int rootfs_fd, bool read_only) {
        return clone_mount(rootfs_fd, "", AT_EMPTY_PATH, true, read_only);
}

int mount_clone_host_path(const char *source, bool recursive, bool read_only) {
        /* The source is the caller's own host path: it is trusted and may contain symlinks. */
        return clone_mount(AT_FDCWD, source, 0, recursive, read_only);
}

int mount_set_idmap(int mount_fd, int userns_fd, bool recursive) {
        struct mount_attr attr = {
                .attr_set = MOUNT_ATTR_IDMAP,
                .userns_fd = (uint64_t) userns_fd,
        };

        return RET_NERRNO(mount_setattr(mount_fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0),
                                        &attr, sizeof attr));
}

int mount_attach_tree(int tree_fd, int target_fd) {
        return attach(tree_fd, target_fd);
}

static int configure_fs(int fs_fd, const char *options) {
        if (!options)
                return 0;

        _cleanup_free_ char *copy = strdup(options);
        if (!copy)
                return -ENOMEM;

        char *save = NULL;
        for (char *word = strtok_r(copy, ",", &save); word; word = strtok_r(NULL, ",", &save)) {
                char *eq = strchr(word, '=');
                int r;

                if (eq) {
                        *eq = 0;
                        r = fsconfig(fs_fd, FSCONFIG_SET_STRING, word, eq + 1, 0);
                } else
                        r = fsconfig(fs_fd, FSCONFIG_SET_FLAG, word, NULL, 0);
                if (r < 0)
                        return -errno;
        }
        return 0;
}

int mount_new_fs(int root_fd, const char *target, const char *fstype, const char *options, unsigned attrs,
                 int *ret_mount_fd) {
        _cleanup_close_ int fs = -EBADF, mnt = -EBADF, target_fd = -EBADF;
        int r;

        target_fd = rootfs_open_target(root_fd, target, ROOTFS_TARGET_DIRECTORY);
        if (target_fd < 0)
                return target_fd;

        fs = fsopen(fstype, FSOPEN_CLOEXEC);
        if (fs < 0)
                return -errno;
        r = configure_fs(fs, options);
        if (r < 0)
                return r;
        if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return -errno;
        mnt = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
        if (mnt < 0)
                return -errno;
        r = attach(mnt, target_fd);
        if (r < 0)
                return r;
        if (ret_mount_fd)
                *ret_mount_fd = TAKE_FD(mnt);
        return 0;
}

int mount_bind_fd(int source_fd, int target_fd, bool recursive, bool read_only) {
        _cleanup_close_ int clone = -EBADF;
        int r;

        clone = open_tree(source_fd, "",
                          OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0));
        if (clone < 0)
                return -errno;
        if (read_only) {
                r = set_read_only(clone, recursive);
                if (r < 0)
                        return r;
        }
        return attach(clone, target_fd);
}

static int attach_clone(int root_fd, int clone_fd, const char *target) {
        _cleanup_close_ int target_fd = -EBADF;
        struct stat st;

        if (fstat(clone_fd, &st) < 0)
                return -errno;
        target_fd = rootfs_open_target(root_fd, target,
                                       S_ISDIR(st.st_mode) ? ROOTFS_TARGET_DIRECTORY : ROOTFS_TARGET_FILE);
        if (target_fd < 0)
                return target_fd;
        return attach(clone_fd, target_fd);
}

/* A path bind-mounted read-only over itself. Missing paths are fine: not every kernel has them. */
static int make_read_only(int root_fd, const char *path) {
        _cleanup_close_ int fd = rootfs_open(root_fd, path, O_PATH | O_NOFOLLOW);

        if (fd == -ENOENT)
                return 0;
        if (fd < 0)
                return fd;
        return mount_bind_fd(fd, fd, true, true);
}

/* Hides a file behind /dev/null or a directory behind an empty read-only tmpfs. */
static int mask(int root_fd, const char *path) {
        _cleanup_close_ int fd = rootfs_open(root_fd, path, O_PATH | O_NOFOLLOW), null_fd = -EBADF;
        struct stat st;

        if (fd == -ENOENT)
                return 0;
        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0)
                return -errno;

        if (S_ISDIR(st.st_mode))
                return mount_new_fs(root_fd, path, "tmpfs", "mode=0555,size=0",
                                    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                    MOUNT_ATTR_NOEXEC, NULL);

        /* The host's /dev/null: still reachable because the tree is not the root yet. */
        null_fd = open("/dev/null", O_PATH | O_CLOEXEC);
        if (null_fd < 0)
                return -errno;
        return mount_bind_fd(null_fd, fd, false, true);
}

/* The network namespace's own knobs, writable again under the read-only /proc/sys: `source_fd` was
 * opened on the writable proc mount, `path` now lies under the read-only one. */
static int bind_writable(int root_fd, int source_fd, const char *path) {
        _cleanup_close_ int clone = -EBADF, target = -EBADF;

        clone = clone_mount(source_fd, "", AT_EMPTY_PATH, false, false);
        if (clone < 0)
                return clone;
        target = rootfs_open(root_fd, path, O_PATH | O_NOFOLLOW);
        if (target < 0)
                return target;
        return attach(clone, target);
}

int mount_proc(int root_fd, bool writable_net, const char **failed_path) {
        int r;

        *failed_path = "/proc";
        r = mount_new_fs(root_fd, "/proc", "proc", NULL,
                         MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, NULL);
        if (r < 0)
                return r;

        /* Opened before /proc/sys turns read-only, so the clone comes from the writable mount. */
        _cleanup_close_ int net_fd = writable_net ? rootfs_open(root_fd, "/proc/sys/net", O_PATH | O_NOFOLLOW) : -EBADF;
        for (size_t i = 0; i < ELEMENTSOF(proc_read_only); i++) {
                *failed_path = proc_read_only[i];
                r = make_read_only(root_fd, proc_read_only[i]);
                if (r < 0)
                        return r;
        }
        if (writable_net) {
                *failed_path = "/proc/sys/net";
                if (net_fd < 0)
                        return net_fd;
                r = bind_writable(root_fd, net_fd, "/proc/sys/net");
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < ELEMENTSOF(proc_masked); i++) {
                *failed_path = proc_masked[i];
                r = mask(root_fd, proc_masked[i]);
                if (r < 0)
                        return r;
        }
        *failed_path = NULL;
        return 0;
}

static int bind_host_sys(int root_fd) {
        _cleanup_close_ int clone = -EBADF;

        /* Recursive: a user namespace may not split the host's locked mounts apart. */
        clone = clone_mount(AT_FDCWD, "/sys", 0, true, true);
        if (clone < 0)
                return clone;
        return attach_clone(root_fd, clone, "/sys");
}

int mount_sys(int root_fd, const char **failed_path) {
        int r;

        *failed_path = "/sys";
        r = mount_new_fs(root_fd, "/sys", "sysfs", NULL,
                         MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, NULL);
        /* sysfs belongs to a network namespace: a user namespace sharing the host's network may
         * not mount a new one, and gets the host's, read-only. */
        if (r == -EPERM)
                r = bind_host_sys(root_fd);
        if (r < 0)
                return r;

        for (size_t i = 0; i < ELEMENTSOF(sys_masked); i++) {
                *failed_path = sys_masked[i];
                r = mask(root_fd, sys_masked[i]);
                if (r < 0)
                        return r;
        }
        *failed_path = NULL;
        return 0;
}

int mount_custom(int root_fd, const struct custom_mount *mounts, const int *bind_fds, size_t n,
                 const struct custom_mount **failed) {
        for (size_t i = 0; i < n; i++) {
                const struct custom_mount *m = mounts + i;
                int r;

                *failed = m;
                if (m->type == CUSTOM_MOUNT_TMPFS)
                        r = mount_new_fs(root_fd, m->target, "tmpfs", m->options,
                                         MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, NULL);
                else
                        r = attach_clone(root_fd, bind_fds[i], m->target);
                if (r < 0)
                        return r;
        }
        *failed = NULL;
        return 0;
}

int mount_enter_root(int root_fd) {
        /* pivot_root(".", ".") stacks the old root under the new one; detaching "." then drops every
         * host mount from the namespace, without needing a directory for the old root. */
        if (fchdir(root_fd) < 0)
                return -errno;
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return -errno;
        if (umount2(".", MNT_DETACH) < 0)
                return -errno;
        return RET_NERRNO(chdir("/"));
}
