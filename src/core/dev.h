/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The container's /dev: a small tmpfs holding only the harmless device nodes (bind-mounted from the
 * host's, which also works where mknod is not allowed), a devpts instance of its own, shm, mqueue
 * and the usual symlinks. Returns 0 or a negative errno; `failed_path` names what failed. */
int dev_setup(int root_fd, const char **failed_path);

/* Opens a new pty in the container's devpts and binds its peer onto /dev/console. Returns the
 * master in `ret_master` and the peer, to become the container's stdio, in `ret_peer`. */
int dev_open_console(int root_fd, int *ret_master, int *ret_peer);
