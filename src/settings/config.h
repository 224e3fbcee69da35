/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cgroup-properties.h"
#include "core/console.h"
#include "core/mount.h"
#include "core/seccomp-filter.h"
#include "core/userns-range.h"
#include "network/network.h"

/* Everything the command line (and later settings files) can say about one container. Parsing
 * fills it and validates each value; nothing else in syscon reads argv or the host environment. */

enum verb {
        VERB_RUN,
        VERB_BOOT,
};

/* How the tree's on-disk ownership meets the container's ID range. */
enum private_users_ownership {
        PRIVATE_USERS_OWNERSHIP_AUTO,  /* map where the tree's filesystem can; the start decides */
        PRIVATE_USERS_OWNERSHIP_MAP,   /* ID-mapped mount of the tree: nothing on disk changes */
        PRIVATE_USERS_OWNERSHIP_CHOWN, /* the tree's ownership is shifted once, and recorded */
        PRIVATE_USERS_OWNERSHIP_OFF,   /* the tree is used as it is */
};

/* The security options, from the command line or a profile (settings_merge() merges the two). */
struct security_settings {
        uint64_t capability_add;  /* one bit per capability; all bits for "all" */
        uint64_t capability_drop;
        bool no_new_privileges;
        bool no_new_privileges_set;
        struct syscall_rule *syscall_rules;
        size_t n_syscall_rules;
        char *profile;            /* --profile= as given: a name or a path */
};

struct config {
        enum verb verb;
        char *rootfs;       /* as given; resolved by the caller */
        char *machine;      /* validated machine name (set from the tree's name if not given) */
        char *hostname;     /* validated, or NULL: the machine name */
        char **setenv;      /* NULL-terminated "NAME=VALUE" list, later entries win; a bare
                             * "NAME" (-E NAME) until settings_merge() copies the host's value */
        size_t n_setenv;
        char *working_directory; /* absolute, or NULL */
        char *user;         /* name or number, or NULL for root */
        struct custom_mount *mounts;
        size_t n_mounts;
        bool read_only;
        enum console_mode console;
        int kill_signal;    /* 0: the verb's default */
        bool quiet;
        struct network_config network;
        struct cgroup_properties properties; /* --property=, resource limits */
        char *init;         /* boot: the init inside the tree, or NULL to look it up */
        char *uuid;         /* lower-case UUID, or NULL for a random one */
        struct private_users private_users; /* mode PRIVATE_USERS_UNSET: the verb's default */
        enum private_users_ownership private_users_ownership;
        struct security_settings security;
        char **argv;        /* the command and its arguments (run), or init's arguments (boot) */
        size_t argc;
};

void config_done(struct config *c);
