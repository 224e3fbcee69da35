/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* RFC 1123 host names: labels of [A-Za-z0-9-], not starting or ending with '-', 1..63 bytes each,
 * dots between labels, at most 64 bytes in all (the kernel's UTS limit). */
bool hostname_is_valid(const char *s);

/* Machine names follow the host name rules; they also name state files and links. */
bool machine_name_is_valid(const char *s);

/* The machine name derived from a tree's path, as nspawn does: the last component of the path
 * with trailing slashes removed. -EINVAL if that is not a valid machine name. */
int machine_name_from_path(const char *path, char **ret);
