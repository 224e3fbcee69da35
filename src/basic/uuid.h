/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#define UUID_STRING_MAX 37

/* A random (version 4) UUID in its 36-character text form. Returns 0 or a negative errno. */
int uuid_random(char ret[static UUID_STRING_MAX]);
