/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "basic/lock-file.h"
#include "basic/macro.h"

int lock_file_acquire(const char *path) {
        for (;;) {
                _cleanup_close_ int fd = -EBADF;
                struct stat locked, now;

                fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
                if (fd < 0)
                        return -errno;
                while (flock(fd, LOCK_EX) < 0)
                        if (errno != EINTR)
                                return -errno;
                if (fstat(fd, &locked) < 0)
                        return -errno;
                /* The holder before us removed the file we waited on: what we locked no longer
                 * excludes anyone who opens the path now. */
                if (stat(path, &now) < 0) {
                        if (errno == ENOENT)
                                continue;
                        return -errno;
                }
                if (locked.st_dev == now.st_dev && locked.st_ino == now.st_ino)
                        return TAKE_FD(fd);
        }
}

void lock_file_release(const char *path, int fd) {
        if (fd < 0)
                return;
        (void) unlink(path);
        safe_close(fd);
}
