/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

/* Reads the whole file open at `fd`, from its start whatever the fd's offset, into a buffer with a
 * NUL after the text (freed by the caller; the text may hold NULs of its own). A file longer than
 * `max` bytes is -EFBIG: refused whole, never cut short. */
int fileio_read_full(int fd, size_t max, char **ret, size_t *ret_size);
