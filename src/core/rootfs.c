/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "basic/macro.h"
#include "core/rootfs.h"

static int openat2_in_root(int root_fd, const char *path, int flags) {
        struct open_how how = {
                .flags = (uint64_t) (flags | O_CLOEXEC),
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        int fd;

        /* openat2() reports EAGAIN when a concurrent rename raced with RESOLVE_IN_ROOT's checks. */
        for (int attempt = 0; attempt < 8; attempt++) {
                fd = (int) syscall(SYS_openat2, root_fd, path, &how, sizeof how);
                if (fd >= 0 || errno != EAGAIN)
                        break;
        }
        return fd < 0 ? -errno : fd;
}

int rootfs_open(int root_fd, const char *path, int flags) {
        return openat2_in_root(root_fd, path, flags);
}

static int open_regular(int root_fd, const char *path, int flags, bool executable) {
        _cleanup_close_ int fd = openat2_in_root(root_fd, path, flags);
        struct stat st;

        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        if (executable && !(st.st_mode & 0111))
                return -EACCES;
        return TAKE_FD(fd);
}

int rootfs_open_regular(int root_fd, const char *path) {
        /* O_NONBLOCK: opening a FIFO put in the file's place must not hang the launcher. */
        return open_regular(root_fd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, false);
}

int rootfs_open_executable(int root_fd, const char *path) {
        return open_regular(root_fd, path, O_PATH, true);
}

static int check_target(int fd, enum rootfs_target_kind kind) {
        struct stat st;

        if (fstat(fd, &st) < 0)
                return -errno;
        if (S_ISLNK(st.st_mode))
                return -ELOOP;
        if (kind == ROOTFS_TARGET_DIRECTORY && !S_ISDIR(st.st_mode))
                return -ENOTDIR;
        if (kind == ROOTFS_TARGET_FILE && S_ISDIR(st.st_mode))
                return -EISDIR;
        return 0;
}

/* Creates `name` (one path component) in `parent_fd`; losing a race to another creator is fine.
 * The modes are what rootfs.h promises whatever the caller's umask: a 077 one would lock the
 * container's users out of every path leading to a mount. */
static int create_component(int parent_fd, const char *name, enum rootfs_target_kind kind) {
        mode_t saved = umask(0);
        int r = 0, fd;

        if (kind == ROOTFS_TARGET_DIRECTORY) {
                if (mkdirat(parent_fd, name, 0755) < 0 && errno != EEXIST)
                        r = -errno;
        } else {
                fd = openat(parent_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
                if (fd < 0 && errno != EEXIST)
                        r = -errno;
                safe_close(fd);
        }
        umask(saved);
        return r;
}

int rootfs_check_target(int root_fd, const char *path, enum rootfs_target_kind kind) {
        _cleanup_close_ int fd = openat2_in_root(root_fd, path, O_PATH | O_NOFOLLOW);

        if (fd == -ENOENT)
                return 0;
        if (fd < 0)
                return fd;
        return check_target(fd, kind);
}

/* With `follow` (the parents of a target), a symlink as the last component is followed, inside the
 * tree as every lookup here; otherwise (the target) it is refused. A missing one is created, but
 * never through a symlink: one in its place is refused either way. */
static int open_target(int root_fd, const char *path, enum rootfs_target_kind kind, bool follow) {
        _cleanup_close_ int fd = -EBADF, parent_fd = -EBADF;
        int r;

        /* O_PATH|O_NOFOLLOW opens a final symlink itself, so check_target() can refuse it. */
        fd = openat2_in_root(root_fd, path, O_PATH | (follow ? 0 : O_NOFOLLOW));
        if (fd >= 0) {
                r = check_target(fd, kind);
                return r < 0 ? r : TAKE_FD(fd);
        }
        if (fd != -ENOENT)
                return fd;

        /* Checked before any parent is created: a refused path makes nothing. */
        const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : NULL;
        if (!name || !*name || streq(name, ".") || streq(name, ".."))
                return -EINVAL;

        size_t parent_len = (size_t) (slash - path);
        char parent[parent_len + 2];
        if (parent_len == 0)
                strcpy(parent, "/");
        else {
                memcpy(parent, path, parent_len);
                parent[parent_len] = 0;
        }

        parent_fd = open_target(root_fd, parent, ROOTFS_TARGET_DIRECTORY, true);
        if (parent_fd < 0)
                return parent_fd;
        r = create_component(parent_fd, name, kind);
        if (r < 0)
                return r;

        fd = openat(parent_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        r = check_target(fd, kind);
        return r < 0 ? r : TAKE_FD(fd);
}

int rootfs_open_target(int root_fd, const char *path, enum rootfs_target_kind kind) {
        return open_target(root_fd, path, kind, false);
}
