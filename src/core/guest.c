/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/guest.h"
#include "basic/macro.h"
#include "core/mount.h"
#include "core/rootfs.h"
#include "basic/uuid.h"

static int write_file_at(int dir_fd, const char *name, const char *text) {
        _cleanup_close_ int fd = -EBADF;
        size_t n = strlen(text);

        fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
        if (fd < 0)
                return -errno;
        if (write(fd, text, n) != (ssize_t) n)
                return negative_errno();
        return 0;
}

/* The host's boot id would let the guest recognise the host and mix the two boots' journals. */
static int fresh_boot_id(int root_fd, int host_dir_fd) {
        _cleanup_close_ int file_fd = -EBADF, target_fd = -EBADF;
        char id[UUID_STRING_MAX + 1];
        int r;

        r = uuid_random(id);
        if (r < 0)
                return r;
        strcat(id, "\n");
        r = write_file_at(host_dir_fd, ".boot-id", id);
        if (r < 0)
                return r;
        file_fd = openat(host_dir_fd, ".boot-id", O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (file_fd < 0)
                return -errno;
        target_fd = rootfs_open(root_fd, "/proc/sys/kernel/random/boot_id", O_PATH | O_NOFOLLOW);
        if (target_fd < 0)
                return target_fd;
        r = mount_bind_fd(file_fd, target_fd, false, true);
        if (r < 0)
                return r;
        /* Only the mount keeps the file now: the guest sees no trace of it in /run/host. */
        return RET_NERRNO(unlinkat(host_dir_fd, ".boot-id", 0));
}

int guest_interface_setup(int root_fd, const char *container_uuid, const char **failed_path) {
        _cleanup_close_ int host_fd = -EBADF;
        char line[UUID_STRING_MAX + 1];
        int r;

        *failed_path = "/run/host";
        /* An O_PATH fd does for openat() and unlinkat() below. */
        host_fd = rootfs_open_target(root_fd, "/run/host", ROOTFS_TARGET_DIRECTORY);
        if (host_fd < 0)
                return host_fd;

        *failed_path = "/run/host/container-manager";
        r = write_file_at(host_fd, "container-manager", "syscon\n");
        if (r < 0)
                return r;
        *failed_path = "/run/host/container-uuid";
        snprintf(line, sizeof line, "%s\n", container_uuid);
        r = write_file_at(host_fd, "container-uuid", line);
        if (r < 0)
                return r;

        *failed_path = "/proc/sys/kernel/random/boot_id";
        r = fresh_boot_id(root_fd, host_fd);
        if (r < 0)
                return r;
        *failed_path = NULL;
        return 0;
}

int guest_cgroup_mount(int root_fd, bool writable) {
        unsigned attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;

        /* Mounted over whatever the host's /sys brought along: only the container's own cgroup
         * namespace is visible, as cgroup2, whatever the host uses, which every current init
         * accepts. */
        return mount_new_fs(root_fd, "/sys/fs/cgroup", "cgroup2", NULL,
                            attrs | (writable ? 0 : MOUNT_ATTR_RDONLY), NULL);
}
