/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/cgroup-internal.h"
#include "basic/log.h"

/* The limits, written from outside the container into whichever hierarchy holds each controller:
 * a v1 hierarchy, or the unified one. Each property has a writer per cgroup version; a property
 * without one, or without its controller, or whose file the kernel does not offer, is an error. */

#define CPU_PERIOD_USEC UINT64_C(100000)
#define CPU_QUOTA_MIN_USEC UINT64_C(1000) /* the kernel's floor for cpu.max and cfs_quota_us */
#define CPU_LIST_MAX 4096

enum property {
        PROPERTY_MEMORY_MAX,
        PROPERTY_MEMORY_HIGH,
        PROPERTY_MEMORY_SWAP_MAX,
        PROPERTY_CPU_QUOTA,
        PROPERTY_CPU_WEIGHT,
        PROPERTY_ALLOWED_CPUS,
        PROPERTY_TASKS_MAX,
        PROPERTY_IO_WEIGHT,
};

/* Writes one property into the container's directory `fd`; sets *file to the file it wrote or
 * needed, for the message. */
typedef int (*limit_writer)(const struct cgroup *cg, int fd, const char **file);

static uint64_t memory_max(const struct cgroup *cg) {
        return cgroup_limit_resolve(cg->properties.memory_max, cg->memory_total);
}

static uint64_t cpu_quota_usec(const struct cgroup *cg) {
        uint64_t q = cg->properties.cpu_quota_per_sec_usec * CPU_PERIOD_USEC / 1000000;

        return q < CPU_QUOTA_MIN_USEC ? CPU_QUOTA_MIN_USEC : q;
}

static int write_file(int fd, const char **file, const char *name, const char *value) {
        *file = name;
        return cgroup_write(fd, name, value);
}

static int write_u64(int fd, const char **file, const char *name, uint64_t value, const char *max_word) {
        *file = name;
        return cgroup_write_u64(fd, name, value, max_word);
}

static int memory_max_v1(const struct cgroup *cg, int fd, const char **file) {
        return write_u64(fd, file, "memory.limit_in_bytes", memory_max(cg), "-1");
}

static int memory_max_v2(const struct cgroup *cg, int fd, const char **file) {
        return write_u64(fd, file, "memory.max", memory_max(cg), "max");
}

static int memory_high_v2(const struct cgroup *cg, int fd, const char **file) {
        return write_u64(fd, file, "memory.high",
                         cgroup_limit_resolve(cg->properties.memory_high, cg->memory_total), "max");
}

/* v1 limits memory and swap together: memsw is the sum, and cgroup_limits_check() made sure that
 * MemoryMax= is there to add to. */
static int memory_swap_max_v1(const struct cgroup *cg, int fd, const char **file) {
        uint64_t swap = cgroup_limit_resolve(cg->properties.memory_swap_max, cg->memory_total), sum;

        if (swap == CGROUP_LIMIT_MAX || __builtin_add_overflow(memory_max(cg), swap, &sum))
                sum = CGROUP_LIMIT_MAX;
        return write_u64(fd, file, "memory.memsw.limit_in_bytes", sum, "-1");
}

static int memory_swap_max_v2(const struct cgroup *cg, int fd, const char **file) {
        return write_u64(fd, file, "memory.swap.max",
                         cgroup_limit_resolve(cg->properties.memory_swap_max, cg->memory_total), "max");
}

static int cpu_quota_v1(const struct cgroup *cg, int fd, const char **file) {
        int r = write_u64(fd, file, "cpu.cfs_period_us", CPU_PERIOD_USEC, "-1");

        return r < 0 ? r : write_u64(fd, file, "cpu.cfs_quota_us", cpu_quota_usec(cg), "-1");
}

static int cpu_quota_v2(const struct cgroup *cg, int fd, const char **file) {
        char value[64];

        snprintf(value, sizeof value, "%" PRIu64 " %" PRIu64, cpu_quota_usec(cg), CPU_PERIOD_USEC);
        return write_file(fd, file, "cpu.max", value);
}

static int cpu_weight_v1(const struct cgroup *cg, int fd, const char **file) {
        return write_u64(fd, file, "cpu.shares", cgroup_weight_to_cpu_shares(cg->properties.cpu_weight), "-1");
}

static int cpu_weight_v2(const struct cgroup *cg, int fd, const char **file) {
        return write_u64(fd, file, "cpu.weight", cg->properties.cpu_weight, "max");
}

/* v2 would quietly fall back to the parent's CPUs for CPUs the parent does not have: check first,
 * so that a limit that cannot hold is an error on both versions. */
static int cpus_check_subset(const struct cgroup *cg, int fd, const char *parent_file) {
        _cleanup_close_ int parent = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
        char list[CPU_LIST_MAX], wanted[CPU_LIST_MAX];
        cpu_set_t available, both;
        int r;

        if (parent < 0)
                return -errno;
        r = cgroup_read(parent, parent_file, list, sizeof list);
        if (r >= 0)
                r = cgroup_cpus_parse(list, &available);
        if (r < 0)
                return r;
        CPU_AND(&both, &available, &cg->properties.allowed_cpus);
        if (CPU_EQUAL(&both, &cg->properties.allowed_cpus))
                return 0;
        r = cgroup_cpus_format(&cg->properties.allowed_cpus, wanted, sizeof wanted);
        log_error("Cannot enforce AllowedCPUs=%s: it names CPUs the container's cgroup cannot have; "
                  "this host offers %s.", r < 0 ? "..." : wanted, list);
        return -EDOM;
}

static int allowed_cpus(const struct cgroup *cg, int fd, const char **file, const char *parent_file) {
        char list[CPU_LIST_MAX];
        int r;

        *file = parent_file;
        r = cpus_check_subset(cg, fd, parent_file);
        if (r >= 0)
                r = cgroup_cpus_format(&cg->properties.allowed_cpus, list, sizeof list);
        return r < 0 ? r : write_file(fd, file, "cpuset.cpus", list);
}

static int allowed_cpus_v1(const struct cgroup *cg, int fd, const char **file) {
        return allowed_cpus(cg, fd, file, "cpuset.cpus");
}

static int allowed_cpus_v2(const struct cgroup *cg, int fd, const char **file) {
        return allowed_cpus(cg, fd, file, "cpuset.cpus.effective");
}

static int tasks_max(const struct cgroup *cg, int fd, const char **file) {
        return write_u64(fd, file, "pids.max", cgroup_limit_resolve(cg->properties.tasks_max, cg->tasks_total), "max");
}

/* Whichever weight the kernel offers: the cost model's (io.weight), else the BFQ scheduler's, else
 * CFQ's (v1, gone since Linux 5.0). */
static int io_weight_v1(const struct cgroup *cg, int fd, const char **file) {
        uint64_t w = cg->properties.io_weight;

        if (cgroup_has_file(fd, "blkio.bfq.weight"))
                return write_u64(fd, file, "blkio.bfq.weight", cgroup_weight_to_bfq_weight(w), "-1");
        return write_u64(fd, file, "blkio.weight", cgroup_weight_to_blkio_weight(w), "-1");
}

static int io_weight_v2(const struct cgroup *cg, int fd, const char **file) {
        char value[32];

        if (cgroup_has_file(fd, "io.weight")) {
                snprintf(value, sizeof value, "default %" PRIu64, cg->properties.io_weight);
                return write_file(fd, file, "io.weight", value);
        }
        return write_u64(fd, file, "io.bfq.weight", cgroup_weight_to_bfq_weight(cg->properties.io_weight), "max");
}

static const struct limit {
        const char *name;
        const char *controller;
        limit_writer v1; /* NULL: v1 cannot express it */
        limit_writer v2;
} limits[] = {
        /* MemoryMax= before MemorySwapMax=: v1 refuses a memsw limit below the memory limit. */
        [PROPERTY_MEMORY_MAX] = { "MemoryMax", "memory", memory_max_v1, memory_max_v2 },
        [PROPERTY_MEMORY_HIGH] = { "MemoryHigh", "memory", NULL, memory_high_v2 },
        [PROPERTY_MEMORY_SWAP_MAX] = { "MemorySwapMax", "memory", memory_swap_max_v1, memory_swap_max_v2 },
        [PROPERTY_CPU_QUOTA] = { "CPUQuota", "cpu", cpu_quota_v1, cpu_quota_v2 },
        [PROPERTY_CPU_WEIGHT] = { "CPUWeight", "cpu", cpu_weight_v1, cpu_weight_v2 },
        [PROPERTY_ALLOWED_CPUS] = { "AllowedCPUs", "cpuset", allowed_cpus_v1, allowed_cpus_v2 },
        [PROPERTY_TASKS_MAX] = { "TasksMax", "pids", tasks_max, tasks_max },
        [PROPERTY_IO_WEIGHT] = { "IOWeight", "io", io_weight_v1, io_weight_v2 },
};

static bool property_is_set(const struct cgroup_properties *p, enum property i) {
        switch (i) {
        case PROPERTY_MEMORY_MAX:
                return p->memory_max.kind != CGROUP_LIMIT_UNSET;
        case PROPERTY_MEMORY_HIGH:
                return p->memory_high.kind != CGROUP_LIMIT_UNSET;
        case PROPERTY_MEMORY_SWAP_MAX:
                return p->memory_swap_max.kind != CGROUP_LIMIT_UNSET;
        case PROPERTY_CPU_QUOTA:
                return p->cpu_quota_per_sec_usec > 0;
        case PROPERTY_CPU_WEIGHT:
                return p->cpu_weight > 0;
        case PROPERTY_ALLOWED_CPUS:
                return p->allowed_cpus_set;
        case PROPERTY_TASKS_MAX:
                return p->tasks_max.kind != CGROUP_LIMIT_UNSET;
        case PROPERTY_IO_WEIGHT:
                return p->io_weight > 0;
        }
        return false;
}

static int check_one(const struct cgroup *cg, enum property i) {
        const struct limit *l = limits + i;
        const struct cgroup_hierarchy *h = cgroup_find_controller(cg, l->controller);

        if (!h)
                return log_error_errno(-EOPNOTSUPP, "Cannot enforce %s= here: syscon gets no %s controller, "
                                       "neither from a cgroup v1 hierarchy nor from cgroup v2, whose cgroup /%s "
                                       "does not pass it on (see its cgroup.subtree_control). Drop the property, "
                                       "or start syscon where the controller is.", l->name, l->controller,
                                       cg->bus || streq(cg->unified->base, ".") ? "" : cg->unified->base);
        if (!h->unified && !l->v1)
                return log_error_errno(-EOPNOTSUPP, "Cannot enforce %s= on this host: its %s controller is "
                                       "cgroup v1, which has no such limit; use MemoryMax=.",
                                       l->name, l->controller);
        if (!h->unified && i == PROPERTY_MEMORY_SWAP_MAX &&
            cg->properties.memory_swap_max.kind != CGROUP_LIMIT_INFINITY &&
            (cg->properties.memory_max.kind == CGROUP_LIMIT_UNSET ||
             cg->properties.memory_max.kind == CGROUP_LIMIT_INFINITY))
                return log_error_errno(-EOPNOTSUPP, "Cannot enforce MemorySwapMax= alone on this host: "
                                       "cgroup v1 limits memory and swap together; add MemoryMax=.");
        return 0;
}

int cgroup_limits_check(const struct cgroup *cg) {
        for (size_t i = 0; i < ELEMENTSOF(limits); i++)
                if (property_is_set(&cg->properties, (enum property) i)) {
                        int r = check_one(cg, (enum property) i);
                        if (r < 0)
                                return r;
                }
        return 0;
}

/* cgroup v2 hands a controller down one level at a time: BASE/syscon passes on to the container
 * what the limits need (cgroup_limits_check() made sure BASE passes those on to BASE/syscon), and
 * memory and pids for accounting where it can. syscon's own cgroup is never changed. */
int cgroup_limits_enable(const struct cgroup *cg, int tree_fd) {
        static const char *const accounting[] = { "memory", "pids" };

        for (size_t i = 0; i < ELEMENTSOF(limits) + ELEMENTSOF(accounting); i++) {
                bool limit = i < ELEMENTSOF(limits);
                const char *c = limit ? limits[i].controller : accounting[i - ELEMENTSOF(limits)];
                char word[32];
                int r;

                if (limit && (!property_is_set(&cg->properties, (enum property) i) ||
                              cgroup_find_controller(cg, c) != cg->unified))
                        continue;
                if (!limit && !cgroup_list_has(cg->unified_controllers, c, " "))
                        continue;
                snprintf(word, sizeof word, "+%s", c);
                r = cgroup_write(tree_fd, "cgroup.subtree_control", word);
                if (r < 0 && limit)
                        return log_error_errno(r, "Failed to enable the %s controller for %s=: %m", c, limits[i].name);
        }
        return 0;
}

static int apply_one(const struct cgroup *cg, enum property i) {
        const struct limit *l = limits + i;
        const struct cgroup_hierarchy *h = cgroup_find_controller(cg, l->controller);
        const char *file = NULL;
        int r;

        r = (h->unified ? l->v2 : l->v1)(cg, h->dir_fd, &file);
        if (r == -ENOENT)
                return log_error_errno(r, "Cannot enforce %s= on this host: the kernel offers no %s for the "
                                       "container's cgroup. Drop the property.", l->name, file);
        if (r == -EDOM)
                return r; /* logged */
        if (r < 0)
                return log_error_errno(r, "Failed to apply %s= (%s) to the container's cgroup: %m",
                                       l->name, file ?: "?");
        return 0;
}

int cgroup_limits_apply(const struct cgroup *cg) {
        for (size_t i = 0; i < ELEMENTSOF(limits); i++)
                if (property_is_set(&cg->properties, (enum property) i)) {
                        int r = apply_one(cg, (enum property) i);
                        if (r < 0)
                                return r;
                }
        return 0;
}

/* v1 cpusets start out with no CPUs and no memory nodes, and take no task until they have some. */
int cgroup_cpuset_inherit(int parent_fd, int dir_fd) {
        static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };

        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                char value[CPU_LIST_MAX];
                int r = cgroup_read(dir_fd, files[i], value, sizeof value);

                if (r >= 0 && value[0])
                        continue;
                r = cgroup_read(parent_fd, files[i], value, sizeof value);
                if (r >= 0)
                        r = cgroup_write(dir_fd, files[i], value);
                if (r < 0)
                        return r;
        }
        return 0;
}
