/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"

int fileio_read_full(int fd, size_t max, char **ret, size_t *ret_size) {
        _cleanup_free_ char *buf = malloc(max + 1);
        size_t n = 0;

        if (!buf)
                return -ENOMEM;
        /* Asking for one byte more than `max` tells a file of exactly `max` from a longer one. */
        while (n <= max) {
                ssize_t k = pread(fd, buf + n, max + 1 - n, (off_t) n);

                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                n += (size_t) k;
        }
        if (n > max)
                return -EFBIG;
        buf[n] = 0;
        *ret = TAKE_PTR(buf);
        *ret_size = n;
        return 0;
}
