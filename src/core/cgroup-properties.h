/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Resource limits as --property=NAME=VALUE gives them, in systemd.resource-control's words and
 * syntax. Parsing is pure: a percentage stays a percentage until cgroup_prepare() scales it by what
 * the host has. */

enum cgroup_limit_kind {
        CGROUP_LIMIT_UNSET,
        CGROUP_LIMIT_ABSOLUTE,  /* bytes or tasks */
        CGROUP_LIMIT_PERMYRIAD, /* of the host's memory or task limit, 1..10000 */
        CGROUP_LIMIT_INFINITY,
};

struct cgroup_limit {
        enum cgroup_limit_kind kind;
        uint64_t value;
};

/* What the kernel files take for "no limit": resolved infinity. */
#define CGROUP_LIMIT_MAX UINT64_MAX

struct cgroup_properties {
        struct cgroup_limit memory_max;
        struct cgroup_limit memory_high;
        struct cgroup_limit memory_swap_max;
        struct cgroup_limit tasks_max;
        uint64_t cpu_quota_per_sec_usec; /* 0: not set */
        uint64_t cpu_weight;             /* 1..10000, 0: not set */
        uint64_t io_weight;              /* 1..10000, 0: not set */
        bool allowed_cpus_set;
        cpu_set_t allowed_cpus;
};

/* Parses one NAME=VALUE into `p` (a later assignment of the same name wins). Logs one message
 * naming the value and the fix, and returns -EINVAL, on bad input. */
int cgroup_property_parse(struct cgroup_properties *p, const char *assignment);

bool cgroup_properties_any(const struct cgroup_properties *p);

/* The limit in bytes or tasks: a percentage scaled by `total`, CGROUP_LIMIT_MAX for infinity. */
uint64_t cgroup_limit_resolve(struct cgroup_limit l, uint64_t total);

/* "512M", "1536K", "50%", "infinity": how a user would write the limit back. */
const char *cgroup_limit_format(struct cgroup_limit l, char buf[static 32]);

/* The kernel's list format, "0-3,6": returns -ENOBUFS when `size` is too small. */
int cgroup_cpus_format(const cpu_set_t *cpus, char *buf, size_t size);

/* Parses the kernel's (and systemd's) list format: "0-3,6", also with spaces between items. */
int cgroup_cpus_parse(const char *s, cpu_set_t *ret);

/* systemd's mappings of a weight (1..10000, 100 the default) onto the older knobs. */
uint64_t cgroup_weight_to_cpu_shares(uint64_t weight);
uint64_t cgroup_weight_to_bfq_weight(uint64_t weight);
uint64_t cgroup_weight_to_blkio_weight(uint64_t weight);

/* For the help text and the man page: the names this parser knows. */
extern const char cgroup_property_names[];
