/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Copies the embedded syscon-init into a sealed, close-on-exec memfd: executed from there, no path
 * inside the container leads to it and nothing can write to it (CVE-2019-5736). Returns the fd. */
int init_memfd_create(void);
