/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>

#include "core/cgroup-internal.h"
#include "basic/log.h"

/* Accounting, read from whichever hierarchy holds each controller: what the container used, and
 * whether the kernel's OOM killer struck inside it. */

static uint64_t read_or_unknown(int dir_fd, const char *file, const char *key) {
        uint64_t v;
        int r = key ? cgroup_read_key(dir_fd, file, key, &v) : cgroup_read_u64(dir_fd, file, &v);

        return r < 0 ? CGROUP_STAT_UNKNOWN : v;
}

static const struct cgroup_hierarchy *memory_hierarchy(const struct cgroup *cg) {
        const struct cgroup_hierarchy *h = cgroup_find_controller(cg, "memory");

        return h && h->dir_fd >= 0 ? h : NULL;
}

static uint64_t read_oom_kills(const struct cgroup_hierarchy *h) {
        if (!h)
                return CGROUP_STAT_UNKNOWN;
        return h->unified ? read_or_unknown(h->dir_fd, "memory.events", "oom_kill")
                          : read_or_unknown(h->dir_fd, "memory.oom_control", "oom_kill");
}

static void read_memory(const struct cgroup *cg, struct cgroup_stats *s) {
        const struct cgroup_hierarchy *h = memory_hierarchy(cg);

        if (!h)
                return;
        s->memory_current = read_or_unknown(h->dir_fd, h->unified ? "memory.current" : "memory.usage_in_bytes", NULL);
        s->memory_peak = read_or_unknown(h->dir_fd, h->unified ? "memory.peak" : "memory.max_usage_in_bytes", NULL);
        s->oom_kills = read_oom_kills(h);
}

/* cgroup2's cpu.stat counts CPU time without any controller, in every layout. */
static void read_cpu(const struct cgroup *cg, struct cgroup_stats *s) {
        const struct cgroup_hierarchy *h = cgroup_find_controller(cg, "cpuacct");
        uint64_t usec = read_or_unknown(cg->unified->dir_fd, "cpu.stat", "usage_usec");

        if (usec != CGROUP_STAT_UNKNOWN)
                s->cpu_usage_nsec = usec * 1000;
        else if (h && !h->unified && h->dir_fd >= 0)
                s->cpu_usage_nsec = read_or_unknown(h->dir_fd, "cpuacct.usage", NULL);
}

static void read_tasks(const struct cgroup *cg, struct cgroup_stats *s) {
        const struct cgroup_hierarchy *h = cgroup_find_controller(cg, "pids");

        if (!h || h->dir_fd < 0)
                return;
        s->tasks_current = read_or_unknown(h->dir_fd, "pids.current", NULL);
        s->tasks_peak = read_or_unknown(h->dir_fd, "pids.peak", NULL);
}

int cgroup_get_stats(const struct cgroup *cg, struct cgroup_stats *ret) {
        struct cgroup_stats s = {
                .memory_current = CGROUP_STAT_UNKNOWN,
                .memory_peak = CGROUP_STAT_UNKNOWN,
                .cpu_usage_nsec = CGROUP_STAT_UNKNOWN,
                .tasks_current = CGROUP_STAT_UNKNOWN,
                .tasks_peak = CGROUP_STAT_UNKNOWN,
                .oom_kills = CGROUP_STAT_UNKNOWN,
        };

        if (cg->unified->dir_fd < 0)
                return -ESTALE;
        read_memory(cg, &s);
        read_cpu(cg, &s);
        read_tasks(cg, &s);
        *ret = s;
        return 0;
}

/* At exit: the OOM kills always (a line on stderr), the rest for the debug log only. */
void cgroup_report(const struct cgroup *cg) {
        struct cgroup_stats s = { .oom_kills = read_oom_kills(memory_hierarchy(cg)) };
        char limit[32];

        if (log_get_max_level() >= LOG_LEVEL_DEBUG && cgroup_get_stats(cg, &s) >= 0)
                log_debug("Container %s used: memory peak %" PRIu64 " bytes, CPU %" PRIu64 " ns, tasks peak %"
                          PRIu64 ", OOM kills %" PRIu64 " (%" PRIu64 " is unknown).", cg->machine, s.memory_peak,
                          s.cpu_usage_nsec, s.tasks_peak, s.oom_kills, CGROUP_STAT_UNKNOWN);
        if (s.oom_kills == 0 || s.oom_kills == CGROUP_STAT_UNKNOWN)
                return;
        if (cg->properties.memory_max.kind != CGROUP_LIMIT_UNSET)
                log_warning("the container's memory limit MemoryMax=%s was hit: the kernel killed %" PRIu64
                            " process(es)", cgroup_limit_format(cg->properties.memory_max, limit), s.oom_kills);
        else
                log_warning("the kernel's out-of-memory killer killed %" PRIu64 " process(es) in the container",
                            s.oom_kills);
}
