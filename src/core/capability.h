/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Capability masks are 64 bits. A number past them (from a kernel that knows more capabilities
 * than this build) is in no mask, so that it is never kept: a plain shift would wrap it onto
 * another capability's bit on x86 (64 becomes CAP_CHOWN) and keep it whenever that one is kept. */
#define CAPABILITY_MASK_BITS 64
#define CAPABILITY_BIT(cap) \
        ((unsigned long long) (cap) < CAPABILITY_MASK_BITS ? UINT64_C(1) << (cap) : UINT64_C(0))

/* The bounding set a container gets when no option changes it: systemd-nspawn's default, so that
 * a guest that boots under nspawn boots here too. */
uint64_t capability_default_set(void);

/* "CAP_SYS_ADMIN" (any case) to its number, or -EINVAL for anything libcap does not name exactly
 * so (numbers, names without the CAP_ prefix, trailing text). */
int capability_from_name(const char *name);

/* Called by the container's first process after pivot_root and before the exec of its init:
 * keeps the capabilities in `keep` and drops every other from the bounding, inheritable and ambient sets, and sets
 * no_new_privs if asked. The effective set is left alone, so that the steps up to the exec (and
 * loading the seccomp filter) keep working; execve() recomputes it from the bounding set. */
int capability_apply(uint64_t keep, bool no_new_privileges);
