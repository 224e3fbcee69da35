/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cgroup-internal.h"
#include "basic/log.h"

/* Placement: where the container's cgroups go, their life from creation to removal, and the lock
 * that tells a running container from the leftovers of a supervisor that was SIGKILLed.
 *
 * The supervisor holds an flock on the container's cgroup2 directory for as long as it runs: a
 * directory of the same name that nobody holds is stale, and the next start of that name removes
 * it. Creating and removing the directories happens under an flock on syscon's own cgroup2
 * directory, so that two starts of one name cannot both succeed. */

/* The guest's init builds its own tree in its cgroup2 directory; a bound on its depth keeps the
 * supervisor's walk over it (when removing it) bounded too. */
#define CONTAINER_MAX_DEPTH "32"

static int lock_base(const struct cgroup *cg) {
        _cleanup_close_ int fd = openat(cg->unified->root_fd, cg->unified->base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0 || flock(fd, LOCK_EX) < 0)
                return log_error_errno(-errno, "Failed to lock syscon's cgroup /%s: %m", cg->unified->base);
        return TAKE_FD(fd);
}

/* Removes the container's directory in every hierarchy, the unified one (with the lock) last, and
 * then BASE/syscon wherever it is empty. */
static void remove_dirs(struct cgroup *cg) {
        for (size_t i = cg->n_hierarchies; i-- > 0;) {
                struct cgroup_hierarchy *h = cg->hierarchies + i;
                int r = cgroup_remove(h->root_fd, h->dir);

                if (r < 0)
                        log_warning_errno(r, "Failed to remove the cgroup /%s: %m", h->dir);
                h->dir_fd = safe_close(h->dir_fd);
                /* Not empty (another container's, or a busy v1 one): fine, the last one out removes it. */
                (void) unlinkat(h->root_fd, h->tree, AT_REMOVEDIR);
        }
}

/* A cgroup2 directory of this name that nobody holds: its supervisor was killed. Its processes
 * (there are none unless something kept the container alive) go, and so do its directories. The
 * cgroup2 directory is created first and removed last, so without it there is nothing stale. */
static int remove_stale(struct cgroup *cg) {
        _cleanup_close_ int fd = openat(cg->unified->root_fd, cg->unified->dir,
                                        O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        int r;

        if (fd < 0)
                return errno == ENOENT ? 0 : log_error_errno(-errno, "Failed to open the cgroup %s: %m", cg->path);
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                if (errno == EWOULDBLOCK)
                        return log_error_errno(-EBUSY, "A container named %s is already running (it has the "
                                               "cgroup %s); choose another name with --machine=.",
                                               cg->machine, cg->path);
                return log_error_errno(-errno, "Failed to lock the cgroup %s: %m", cg->path);
        }
        log_info("Removing the cgroups of container %s, left behind by a syscon that was killed.", cg->machine);
        r = cgroup_kill(fd, cg->path);
        if (r < 0)
                return log_error_errno(r, "Failed to kill the processes left in %s: %m", cg->path);
        remove_dirs(cg);
        return 0;
}

/* Under the locks, a directory of the container's name is a leftover of an earlier removal that
 * failed: it goes, once. */
static int make_dir(int root_fd, const char *path, bool replace) {
        int r = RET_NERRNO(mkdirat(root_fd, path, 0755));

        if (r != -EEXIST || !replace)
                return r;
        r = cgroup_remove(root_fd, path);
        return r < 0 ? r : RET_NERRNO(mkdirat(root_fd, path, 0755));
}

static int open_dir(int root_fd, const char *path) {
        return RET_NERRNO(openat(root_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
}

static int log_dir_error(const struct cgroup_hierarchy *h, int r) {
        return log_error_errno(r, "Failed to create the container's cgroup /%s%s%s: %m", h->dir,
                               h->unified ? "" : " in the hierarchy ", h->controllers);
}

/* BASE/syscon (if missing) and BASE/syscon/NAME in one hierarchy, with what they need before they
 * can take processes and limits: v1 cpusets their CPUs and memory nodes, cgroup2 the controllers
 * that limits and accounting use. */
static int create_dir(struct cgroup *cg, struct cgroup_hierarchy *h) {
        bool cpuset = cgroup_hierarchy_has(h, "cpuset");
        bool enable = h->unified && (cg->mode == CGROUP_MODE_UNIFIED || cgroup_properties_any(&cg->properties));
        _cleanup_close_ int base = -EBADF, tree = -EBADF;
        int r;

        r = make_dir(h->root_fd, h->tree, false);
        if (r < 0 && r != -EEXIST)
                return log_dir_error(h, r);
        if (cpuset || enable) {
                r = tree = open_dir(h->root_fd, h->tree);
                if (r >= 0 && cpuset)
                        r = base = open_dir(h->root_fd, h->base);
                if (r >= 0 && cpuset)
                        r = cgroup_cpuset_inherit(base, tree);
                if (r < 0)
                        return log_dir_error(h, r);
                if (enable) {
                        r = cgroup_limits_enable(cg, tree);
                        if (r < 0)
                                return r; /* logged */
                }
        }
        r = make_dir(h->root_fd, h->dir, true);
        if (r >= 0)
                r = h->dir_fd = open_dir(h->root_fd, h->dir);
        if (r >= 0 && cpuset)
                r = cgroup_cpuset_inherit(tree, h->dir_fd);
        if (r >= 0 && h->unified)
                r = RET_NERRNO(flock(h->dir_fd, LOCK_EX | LOCK_NB));
        if (r >= 0 && h->unified)
                r = cgroup_write(h->dir_fd, "cgroup.max.depth", CONTAINER_MAX_DEPTH);
        return r < 0 ? log_dir_error(h, r) : 0;
}

static int place(struct cgroup *cg) {
        _cleanup_close_ int lock = lock_base(cg);
        int r;

        if (lock < 0)
                return lock;
        r = remove_stale(cg);
        if (r < 0)
                return r; /* nothing of ours to remove: the directories may be a running container's */
        for (size_t i = 0; r >= 0 && i < cg->n_hierarchies; i++)
                r = create_dir(cg, cg->hierarchies + i);
        if (r >= 0)
                r = cgroup_limits_apply(cg);
        if (r < 0)
                remove_dirs(cg);
        return r;
}

/* With a scope, a unit of this name that nobody holds is stale: systemd stops it. */
static int prepare_scope(struct cgroup *cg) {
        _cleanup_close_ int fd = -EBADF;
        char path[PATH_MAX];

        snprintf(path, sizeof path, "%s/%s/payload", CGROUP_SLICE, cg->unit);
        fd = openat(cg->unified->root_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK)
                return log_error_errno(-EBUSY, "A container named %s is already running (it has the scope %s); "
                                       "choose another name with --machine=.", cg->machine, cg->unit);
        return cgroup_systemd_stop_scope(cg);
}

/* What percentages are of: the host's RAM, and the number of tasks it can have at all. */
static int read_totals(struct cgroup *cg) {
        uint64_t pid_max, threads_max;
        int r;

        cg->memory_total = (uint64_t) sysconf(_SC_PHYS_PAGES) * (uint64_t) sysconf(_SC_PAGESIZE);
        r = cgroup_read_u64(AT_FDCWD, "/proc/sys/kernel/pid_max", &pid_max);
        if (r >= 0)
                r = cgroup_read_u64(AT_FDCWD, "/proc/sys/kernel/threads-max", &threads_max);
        if (r < 0)
                return log_error_errno(r, "Failed to read the host's task limits: %m");
        cg->tasks_total = pid_max < threads_max ? pid_max : threads_max;
        return 0;
}

static int cgroup_new(const struct cgroup_properties *p, const char *machine, struct cgroup **ret) {
        struct cgroup *cg = calloc(1, sizeof *cg);
        char name[PATH_MAX];

        if (!cg)
                return -ENOMEM;
        *ret = cg;
        cg->properties = *p;
        cg->holder_pidfd = -EBADF;
        cg->machine = strdup(machine);
        cg->dir_name = strdup(cgroup_dir_name_escape(machine, name, sizeof name));
        return cg->machine && cg->dir_name ? 0 : -ENOMEM;
}

static void cgroup_free(struct cgroup *cg) {
        if (!cg)
                return;
        cgroup_systemd_release(cg);
        for (size_t i = 0; i < cg->n_hierarchies; i++)
                cgroup_hierarchy_done(cg->hierarchies + i);
        sd_bus_flush_close_unref(cg->bus);
        free(cg->unit);
        free(cg->path);
        free(cg->dir_name);
        free(cg->machine);
        free(cg);
}

/* Where the container's cgroup2 directory is, and what cgroup2 can give it: what syscon's own
 * cgroup passes on to the cgroups below it, or with systemd what the host has (read only where it
 * matters: on a hybrid host without limits it gives nothing syscon uses). */
static int locate(struct cgroup *cg) {
        const struct cgroup_hierarchy *u = cg->unified;
        _cleanup_close_ int parent = -EBADF;
        int r;

        if (cg->bus ? asprintf(&cg->unit, "syscon-%s.scope", cg->machine) < 0
                    : asprintf(&cg->path, "/%s", u->dir) < 0)
                return -ENOMEM;
        if (!cg->bus && cg->mode != CGROUP_MODE_UNIFIED && !cgroup_properties_any(&cg->properties))
                return 0;
        parent = open_dir(u->root_fd, cg->bus ? "." : u->base);
        if (parent < 0)
                return parent;
        r = cgroup_read(parent, cg->bus ? "cgroup.controllers" : "cgroup.subtree_control", cg->unified_controllers,
                        sizeof cg->unified_controllers);
        return r == -ENOENT ? 0 : r;
}

static bool uses_percentages(const struct cgroup_properties *p) {
        return p->memory_max.kind == CGROUP_LIMIT_PERMYRIAD || p->memory_high.kind == CGROUP_LIMIT_PERMYRIAD ||
               p->memory_swap_max.kind == CGROUP_LIMIT_PERMYRIAD || p->tasks_max.kind == CGROUP_LIMIT_PERMYRIAD;
}

int cgroup_prepare(const struct cgroup_properties *p, const char *machine, struct cgroup **ret) {
        struct cgroup *cg = NULL;
        int r;

        r = cgroup_new(p, machine, &cg);
        if (r >= 0)
                r = cgroup_detect_mode(&cg->mode);
        if (r < 0) {
                cgroup_free(cg);
                return log_error_errno(r, "Failed to set up the container's cgroup: %m");
        }
        r = cgroup_systemd_connect(&cg->bus);
        if (r >= 0)
                r = cgroup_open_hierarchies(cg);
        if (r >= 0) {
                r = locate(cg);
                if (r < 0)
                        log_error_errno(r, "Failed to look at syscon's own cgroup: %m");
        }
        if (r >= 0 && uses_percentages(p))
                r = read_totals(cg);
        if (r >= 0)
                r = cgroup_limits_check(cg);
        if (r >= 0)
                r = cg->bus ? prepare_scope(cg) : place(cg);
        if (r < 0) {
                cgroup_free(cg);
                return r;
        }
        log_debug("The container's cgroup: %s%s.", cg->bus ? "a scope, " : "", cg->bus ? cg->unit : cg->path);
        *ret = cg;
        return 0;
}

static int attach_scope(struct cgroup *cg, pid_t pid) {
        int r = cgroup_systemd_hold(cg);

        if (r >= 0)
                r = cgroup_systemd_start_scope(cg, pid);
        if (r < 0)
                return r;
        r = cgroup_open_dirs_of(cg, pid);
        if (r < 0)
                return log_error_errno(r, "Failed to find the scope %s that systemd made: %m", cg->unit);
        r = cgroup_systemd_arrange(cg, pid);
        if (r < 0)
                return r;
        if (flock(cg->unified->dir_fd, LOCK_EX | LOCK_NB) < 0)
                return log_error_errno(-errno, "Failed to lock the cgroup %s: %m", cg->path);
        return cgroup_limits_apply(cg);
}

int cgroup_clone_fd(const struct cgroup *cg) {
        return cg->bus ? -EBADF : cg->unified->dir_fd;
}

/* Writing "0" (the caller itself) to a v1 "tasks" file moves one thread without the global lock;
 * the child is single-threaded, so that is the whole process. */
int cgroup_join(const struct cgroup *cg) {
        for (size_t i = 0; i < cg->n_hierarchies; i++) {
                const struct cgroup_hierarchy *h = cg->hierarchies + i;
                int r;

                if (h->unified || h->dir_fd < 0 || cg->bus)
                        continue;
                r = cgroup_write(h->dir_fd, "tasks", "0");
                if (r < 0)
                        return r;
        }
        return 0;
}

int cgroup_attach(struct cgroup *cg, pid_t pid) {
        return cg->bus ? attach_scope(cg, pid) : 0;
}

int cgroup_delegate(struct cgroup *cg, uid_t uid, gid_t gid) {
        int r = cgroup_chown(cg->unified->dir_fd, uid, gid);

        if (r < 0)
                return log_error_errno(r, "Failed to hand the cgroup %s to the container's root: %m", cg->path);
        return 0;
}

void cgroup_finish(struct cgroup *cg, bool quiet) {
        int r;

        if (!cg)
                return;
        if (cg->unified->dir_fd >= 0) {
                if (!quiet)
                        cgroup_report(cg);
                r = cgroup_kill(cg->unified->dir_fd, cg->path);
                if (r < 0)
                        log_warning_errno(r, "Failed to kill what is left in the cgroup %s: %m", cg->path);
        }
        if (cg->bus) {
                cgroup_systemd_release(cg);
                (void) cgroup_systemd_stop_scope(cg);
        } else {
                /* BASE/syscon goes when empty: not while another start is about to use it. */
                int lock = lock_base(cg);

                remove_dirs(cg);
                safe_close(lock);
        }
        cgroup_free(cg);
}
