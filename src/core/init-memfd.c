/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sys/mman.h>

#include "core/init-memfd.h"
#include "basic/macro.h"

extern const char syscon_init_blob_start[];
extern const char syscon_init_blob_end[];

int init_memfd_create(void) {
        _cleanup_close_ int fd = -EBADF;
        size_t size = (size_t) (syscon_init_blob_end - syscon_init_blob_start);

        fd = memfd_create("syscon-init", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0)
                return -errno;

        for (size_t done = 0; done < size;) {
                ssize_t n = write(fd, syscon_init_blob_start + done, size - done);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                done += (size_t) n;
        }

        if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
                return -errno;
        return TAKE_FD(fd);
}
