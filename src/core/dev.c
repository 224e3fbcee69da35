/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "basic/macro.h"
#include "core/dev.h"
#include "core/mount.h"
#include "core/rootfs.h"

static const char *const device_nodes[] = {
        "null", "zero", "full", "random", "urandom", "tty",
};

static const struct {
        const char *name;
        const char *target;
} dev_symlinks[] = {
        { "fd", "/proc/self/fd" },
        { "stdin", "/proc/self/fd/0" },
        { "stdout", "/proc/self/fd/1" },
        { "stderr", "/proc/self/fd/2" },
        { "ptmx", "pts/ptmx" },
};

static int bind_host_node(int dev_fd, const char *name) {
        _cleanup_close_ int source = -EBADF, target = -EBADF;
        char host_path[32];

        snprintf(host_path, sizeof host_path, "/dev/%s", name);
        source = open(host_path, O_PATH | O_CLOEXEC);
        if (source < 0)
                return -errno;

        /* An empty file to mount on: the tmpfs is new and ours, nothing else can race here. */
        target = openat(dev_fd, name, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (target < 0)
                return -errno;
        return mount_bind_fd(source, target, false, false);
}

static int mount_dev_subdirs(int root_fd, const char **failed_path) {
        int r;

        *failed_path = "/dev/pts";
        r = mount_new_fs(root_fd, "/dev/pts", "devpts", "ptmxmode=0666,mode=0620,gid=5",
                         MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, NULL);
        if (r < 0)
                return r;

        *failed_path = "/dev/shm";
        r = mount_new_fs(root_fd, "/dev/shm", "tmpfs", "mode=1777",
                         MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, NULL);
        if (r < 0)
                return r;

        *failed_path = "/dev/mqueue";
        return mount_new_fs(root_fd, "/dev/mqueue", "mqueue", NULL,
                            MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, NULL);
}

int dev_setup(int root_fd, const char **failed_path) {
        _cleanup_close_ int dev_fd = -EBADF;
        int r;

        *failed_path = "/dev";
        r = mount_new_fs(root_fd, "/dev", "tmpfs", "mode=0755,size=4m,nr_inodes=4096",
                         MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, &dev_fd);
        if (r < 0)
                return r;

        for (size_t i = 0; i < ELEMENTSOF(device_nodes); i++) {
                *failed_path = device_nodes[i];
                r = bind_host_node(dev_fd, device_nodes[i]);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < ELEMENTSOF(dev_symlinks); i++) {
                *failed_path = dev_symlinks[i].name;
                if (symlinkat(dev_symlinks[i].target, dev_fd, dev_symlinks[i].name) < 0)
                        return -errno;
        }

        r = mount_dev_subdirs(root_fd, failed_path);
        if (r < 0)
                return r;
        *failed_path = NULL;
        return 0;
}

int dev_open_console(int root_fd, int *ret_master, int *ret_peer) {
        _cleanup_close_ int master = -EBADF, peer = -EBADF, console = -EBADF;
        int unlock = 0;

        master = rootfs_open(root_fd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_NOFOLLOW);
        if (master < 0)
                return master;
        if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
                return -errno;
        /* TIOCGPTPEER opens the peer through the master, never by a name that could be swapped. */
        peer = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (peer < 0)
                return -errno;

        console = rootfs_open_target(root_fd, "/dev/console", ROOTFS_TARGET_FILE);
        if (console < 0)
                return console;
        int r = mount_bind_fd(peer, console, false, false);
        if (r < 0)
                return r;

        *ret_master = TAKE_FD(master);
        *ret_peer = TAKE_FD(peer);
        return 0;
}
