/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "basic/macro.h"
#include "core/userns.h"

static int write_map(pid_t pid, const char *file, const struct userns_range *range) {
        _cleanup_close_ int fd = -EBADF;
        char path[64], line[64];
        int n;

        snprintf(path, sizeof path, "/proc/%d/%s", (int) pid, file);
        fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        /* The kernel takes a map in one write() or not at all: no half-written map is possible. */
        n = snprintf(line, sizeof line, "0 %u %u\n", range->base, range->count);
        if (write(fd, line, (size_t) n) != n)
                return negative_errno();
        return 0;
}

int userns_write_maps(pid_t pid, const struct userns_range *range) {
        int r = write_map(pid, "uid_map", range);

        if (r < 0)
                return r;
        return write_map(pid, "gid_map", range);
}

int userns_open(pid_t pid) {
        char path[64];

        snprintf(path, sizeof path, "/proc/%d/ns/user", (int) pid);
        return RET_NERRNO(open(path, O_RDONLY | O_CLOEXEC));
}
