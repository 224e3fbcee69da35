/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

/* The host ID range a container's user namespace maps to, and the leases that keep two running
 * containers from sharing one. */

enum private_users_mode {
        PRIVATE_USERS_UNSET,    /* not given: the verb's default applies */
        PRIVATE_USERS_NO,       /* no user namespace */
        PRIVATE_USERS_PICK,     /* a free 65536-aligned range of 65536 IDs, chosen at start */
        PRIVATE_USERS_IDENTITY, /* a user namespace mapping 0..65535 to itself */
        PRIVATE_USERS_FIXED,    /* base and count as given */
};

struct private_users {
        enum private_users_mode mode;
        uint32_t base;  /* FIXED only */
        uint32_t count; /* FIXED only */
};

/* The IDs a range holds when none is given: container root up to 65535, as nspawn. */
#define USERNS_RANGE_SIZE UINT32_C(65536)

static inline bool userns_ranges_overlap(uint32_t a, uint32_t a_count, uint32_t b, uint32_t b_count) {
        return (uint64_t) a < (uint64_t) b + b_count && (uint64_t) b < (uint64_t) a + a_count;
}

/* Parses a --private-users= value: no/false, yes/true/pick, identity, BASE or BASE:COUNT
 * (decimal; COUNT defaults to 65536). Pure: on -EINVAL, *ret_problem is a static phrase saying
 * what is wrong and how to fix it, for the caller's message that names the option and value. */
int private_users_parse(const char *value, struct private_users *ret, const char **ret_problem);

/* "BASE-COUNT" in decimal, and the NUL. */
#define USERNS_LEASE_NAME_MAX 22

struct userns_lease {
        uint32_t base;   /* first host ID; 0 for IDENTITY and NO */
        uint32_t count;  /* IDs mapped; 0 for NO (no user namespace) */
        int lock_fd;     /* the flock()ed lease file, or -EBADF when there is none */
        int dir_fd;      /* RUNTIME_DIR/userns, or -EBADF */
        char name[USERNS_LEASE_NAME_MAX]; /* the lease file's name in dir_fd */
};

#define USERNS_LEASE_NULL { .lock_fd = -EBADF, .dir_fd = -EBADF }

/* Resolves `pu` (mode PICK, FIXED, IDENTITY or NO) into a range and, for PICK and FIXED, takes a
 * lease on it: the file RUNTIME_DIR/userns/BASE-COUNT, flock()ed for as long as the lease is held,
 * so it is released when the process dies however it dies. A lease file that nobody holds locked is
 * stale and is removed. PICK tries first the slot derived from the machine name, so a container
 * keeps its range across restarts, then the next free slot. FIXED fails with -EBUSY when the range
 * overlaps a held lease. `runtime_dir` (e.g. "/run/syscon") is created with mode 0700 if missing.
 * Logs every failure itself, naming the range and the machine holding it: the caller only returns
 * the error. On success the caller owns *ret and frees it with userns_lease_release(). */
int userns_lease_acquire(const struct private_users *pu, const char *machine, const char *runtime_dir,
                         struct userns_lease *ret);

/* Removes the lease file and unlocks it; idempotent, and a no-op on USERNS_LEASE_NULL. */
void userns_lease_release(struct userns_lease *lease);
#define _cleanup_userns_lease_ __attribute__((cleanup(userns_lease_release)))
