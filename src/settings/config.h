/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cgroup-properties.h"
#include "core/userns-range.h"

/* Everything the command line (and later settings files) can say about one container. Parsing
 * fills it and validates each value; nothing else in syscon reads argv or the host environment. */

enum verb {
        VERB_RUN,
        VERB_BOOT,
};

enum console_mode {
        CONSOLE_AUTO,        /* decided at start: interactive on a terminal, else pipe (run) */
        CONSOLE_INTERACTIVE, /* pty, input and output forwarded, terminal in raw mode */
        CONSOLE_READ_ONLY,   /* pty, output forwarded, input ignored */
        CONSOLE_PASSIVE,     /* pty, nothing forwarded */
        CONSOLE_PIPE,        /* the caller's stdin/stdout/stderr passed straight in */
};

enum custom_mount_type {
        CUSTOM_MOUNT_BIND,
        CUSTOM_MOUNT_BIND_READ_ONLY,
        CUSTOM_MOUNT_TMPFS,
};

struct custom_mount {
        enum custom_mount_type type;
        char *source;  /* host path (bind) or NULL (tmpfs) */
        char *target;  /* absolute path inside the container, normalized */
        char *options; /* tmpfs options, or NULL */
        bool recursive; /* bind: rbind (default) or norbind */
        bool idmap;     /* bind with user namespaces: ID-mapped like the tree (:idmap) or not (default) */
};

struct ip_address {
        int family; /* AF_INET or AF_INET6 */
        union {
                struct in_addr in;
                struct in6_addr in6;
        };
};

struct ip_prefix {
        struct ip_address address;
        unsigned char prefixlen;
};

/* The network options; see options-network.h for what each implies. */
struct network_config {
        bool private_network;         /* --private-network: a network namespace of its own */
        bool veth;                    /* -n/--network-veth */
        char *bridge;                 /* --network-bridge=: an existing bridge the host end joins */
        char *zone;                   /* --network-zone=: ZONE, whose bridge is vz-ZONE */
        char **macvlan;               /* --network-macvlan=: host interfaces, NULL-terminated */
        size_t n_macvlan;
        char **ipvlan;                /* --network-ipvlan= */
        size_t n_ipvlan;
        char **interfaces;            /* --network-interface=: moved in, moved back at exit */
        size_t n_interfaces;
        struct ip_prefix *addresses;  /* --address=: on host0 */
        size_t n_addresses;
        struct ip_prefix *host_addresses; /* --host-address=: on the host end of the veth */
        size_t n_host_addresses;
        struct ip_address *gateways;  /* --gateway=: at most one per family */
        size_t n_gateways;
};

/* How the tree's on-disk ownership meets the container's ID range. */
enum private_users_ownership {
        PRIVATE_USERS_OWNERSHIP_AUTO,  /* map where the tree's filesystem can; the start decides */
        PRIVATE_USERS_OWNERSHIP_MAP,   /* ID-mapped mount of the tree: nothing on disk changes */
        PRIVATE_USERS_OWNERSHIP_CHOWN, /* the tree's ownership is shifted once, and recorded */
        PRIVATE_USERS_OWNERSHIP_OFF,   /* the tree is used as it is */
};

/* One --system-call-filter= word: a system call or an @group, allowed or denied. */
struct syscall_rule {
        char *name;
        bool deny;
        bool from_profile; /* the command line overrides the profile (seccomp-filter.c) */
};

/* The security options, from the command line or a profile (options-security.c merges the two). */
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
        char **setenv;      /* NULL-terminated "NAME=VALUE" list, later entries win */
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
