/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/cgroup-properties.h"

/* One cgroup per container, on every kind of host:
 *   - cgroup v2 (/sys/fs/cgroup is cgroup2): with systemd as PID 1 and its bus reachable, the leaf
 *     "payload" of a transient scope syscon-NAME.scope in machine.slice with Delegate=yes (see
 *     cgroup-systemd.c); otherwise BASE/syscon/NAME, BASE being the cgroup syscon runs in. The
 *     payload is alone in its leaf; the supervisor stays outside (v2's no-internal-processes rule).
 *   - hybrid (cgroup2 on /sys/fs/cgroup/unified, controllers on v1) and legacy v1: BASE/syscon/NAME
 *     in the memory, cpu, cpuacct, cpuset, pids and name=systemd hierarchies (and blkio for
 *     IOWeight=) and in the unified one (mounted privately on a legacy host), BASE again syscon's
 *     own cgroup in each.
 * The container's cgroup in the unified hierarchy is what its init manages as its own cgroup2 tree;
 * limits are set from outside, through whichever hierarchy holds the controller. Nothing outside
 * BASE/syscon (or the scope) is ever touched. */

struct cgroup;

/* Before clone: detects the host's layout, removes a cgroup of the same machine name that a killed
 * supervisor left behind, creates the container's cgroups and applies the limits. A property the
 * host cannot enforce is an error. Logs, and returns a negative errno with nothing left behind. */
int cgroup_prepare(const struct cgroup_properties *p, const char *machine, struct cgroup **ret);

/* Moving a process into a cgroup by writing its PID to cgroup.procs waits for an RCU grace period
 * (the kernel's global threadgroup lock), milliseconds per container. So syscon never does that:
 * the container is cloned straight into its cgroup2 directory (CLONE_INTO_CGROUP with this fd), and
 * joins its v1 cgroups itself (cgroup_join()), which the kernel does without that lock.
 * Returns -EBADF when the cgroup does not exist yet (a systemd scope is made around the child). */
int cgroup_clone_fd(const struct cgroup *cg);

/* In the child, after clone and before it drops the host's root (it must still be that to move
 * itself in v1 hierarchies): joins the container's v1 cgroups. Does not log; returns a negative
 * errno for the child to report. */
int cgroup_join(const struct cgroup *cg);

/* In the supervisor after clone, before the child goes on: with systemd, starts the scope around
 * the container's PID 1 and waits for systemd to have done so; otherwise the child is already in
 * place, or puts itself there. Logs. */
int cgroup_attach(struct cgroup *cg, pid_t pid);

/* With a user namespace, after cgroup_attach(): hands the container's cgroup2 directory (and the
 * files systemd's CGROUP_DELEGATION.md names) to the container's root, so that its init can build
 * its own tree below. Limits stay root's on the host. Logs. */
int cgroup_delegate(struct cgroup *cg, uid_t uid, gid_t gid);

/* What the kernel accounted to the container so far; CGROUP_STAT_UNKNOWN where the host does
 * not say. */
#define CGROUP_STAT_UNKNOWN UINT64_MAX
struct cgroup_stats {
        uint64_t memory_current; /* bytes */
        uint64_t memory_peak;    /* bytes */
        uint64_t cpu_usage_nsec;
        uint64_t tasks_current;
        uint64_t tasks_peak;
        uint64_t oom_kills;      /* processes the kernel's OOM killer killed in the container */
};
int cgroup_get_stats(const struct cgroup *cg, struct cgroup_stats *ret);

/* After PID 1 exited: reports an OOM kill on stderr (unless `quiet`), kills what is left, removes
 * the cgroups and frees `cg`. Accepts NULL. */
void cgroup_finish(struct cgroup *cg, bool quiet);
