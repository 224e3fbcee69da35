/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* syscon's runtime state: ID range leases, compiled system call filters. Gone with a reboot, as is
 * everything that it describes. */
#define SYSCON_RUNTIME_DIR "/run/syscon"

/* RUNTIME_DIR/NAME as a directory fd, both created with mode 0700 when missing; NAME is never
 * followed if it is a symlink. Negative errno on failure. */
int runtime_dir_open(const char *runtime_dir, const char *name);
