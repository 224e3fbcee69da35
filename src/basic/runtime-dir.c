/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sys/stat.h>

#include "basic/macro.h"
#include "basic/runtime-dir.h"

int runtime_dir_open(const char *runtime_dir, const char *name) {
        _cleanup_close_ int fd = -EBADF;
        int sub;

        if (mkdir(runtime_dir, 0700) < 0 && errno != EEXIST)
                return -errno;
        fd = open(runtime_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (mkdirat(fd, name, 0700) < 0 && errno != EEXIST)
                return -errno;
        sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        return sub < 0 ? -errno : sub;
}
