/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the cgroup-*.c files only: the rest of syscon sees struct cgroup as opaque. */

#include <systemd/sd-bus.h>

#include "core/cgroup.h"
#include "basic/macro.h"

enum cgroup_mode {
        CGROUP_MODE_UNIFIED, /* cgroup2 on /sys/fs/cgroup */
        CGROUP_MODE_HYBRID,  /* cgroup2 on /sys/fs/cgroup/unified, controllers on v1 */
        CGROUP_MODE_LEGACY,  /* v1 only; the unified hierarchy is mounted privately */
};

#define CGROUP_HIERARCHIES_MAX 16
#define CGROUP_TREE "syscon"      /* below the cgroup syscon runs in */
#define CGROUP_SLICE "machine.slice"

struct cgroup_hierarchy {
        char *controllers; /* as /proc/self/cgroup lists them: "memory", "cpu,cpuacct", "name=systemd"; "" for v2 */
        bool unified;
        int root_fd;       /* the hierarchy's root as mounted (or the private cgroup2 mount) */
        char *mount_root;  /* the cgroup the mount shows as its root: "/" but in a cgroup namespace */
        char *base;        /* syscon's own cgroup, relative to root_fd: "." or "a/b" */
        char *tree;        /* BASE/syscon */
        char *dir;         /* BASE/syscon/NAME, the container's */
        int dir_fd;        /* the container's cgroup, or -EBADF */
};

struct cgroup {
        enum cgroup_mode mode;
        char *machine;
        char *dir_name;    /* the container's directory below BASE/syscon */
        char *path;        /* the container's cgroup2, as /proc/PID/cgroup shows it */
        char unified_controllers[256]; /* what cgroup2 can give the container's cgroup */
        struct cgroup_hierarchy hierarchies[CGROUP_HIERARCHIES_MAX];
        size_t n_hierarchies;
        struct cgroup_hierarchy *unified;
        struct cgroup_properties properties;
        uint64_t memory_total; /* what a percentage of MemoryMax= and friends is of */
        uint64_t tasks_total;  /* what a percentage of TasksMax= is of */
        sd_bus *bus;       /* systemd's, when the container gets a scope */
        char *unit;        /* syscon-NAME.scope */
        pid_t holder_pid;  /* keeps the scope alive until the supervisor is done with it */
        int holder_pidfd;
};

/* cgroup-detect.c */
int cgroup_detect_mode(enum cgroup_mode *ret);
int cgroup_open_hierarchies(struct cgroup *cg);
int cgroup_open_dirs_of(struct cgroup *cg, pid_t pid);
void cgroup_hierarchy_done(struct cgroup_hierarchy *h);
bool cgroup_hierarchy_has(const struct cgroup_hierarchy *h, const char *controller);
/* The hierarchy that holds `controller` ("io" for blkio too): a v1 one, else the unified one if
 * cgroup2 offers it to the container; NULL if neither. */
struct cgroup_hierarchy *cgroup_find_controller(const struct cgroup *cg, const char *controller);
int cgroup_controllers_match(const char *controllers, const char *super_options);
int cgroup_parse_self_line(char *line, unsigned *ret_id, char **ret_controllers, char **ret_path);
/* One line of /proc/PID/cgroup. */
struct cgroup_membership {
        unsigned id;
        char *controllers;
        char *path;
};
#define CGROUP_MEMBERSHIPS_MAX 32
/* The lines of the /proc/PID/cgroup file open at `fd`, pointing into *ret_text (the caller frees it);
 * lines that do not parse are left out. A file too large to be one is -EFBIG, more lines than `m`
 * holds -E2BIG. */
int cgroup_read_memberships(int fd, char **ret_text, struct cgroup_membership m[static CGROUP_MEMBERSHIPS_MAX],
                            size_t *ret_n);
struct mountinfo_entry {
        char *root, *mount_point, *fstype, *super_options;
};
int cgroup_parse_mountinfo_line(char *line, struct mountinfo_entry *ret);
const char *cgroup_dir_name_escape(const char *machine, char *buf, size_t size);

/* cgroup-file.c: small files of one cgroup directory */
int cgroup_write(int dir_fd, const char *file, const char *value);
int cgroup_write_at(int dir_fd, const char *dir, const char *file, const char *value);
int cgroup_write_u64(int dir_fd, const char *file, uint64_t value, const char *max_word);
int cgroup_read(int dir_fd, const char *file, char *buf, size_t size);
int cgroup_read_u64(int dir_fd, const char *file, uint64_t *ret);
int cgroup_read_key(int dir_fd, const char *file, const char *key, uint64_t *ret);
bool cgroup_has_file(int dir_fd, const char *file);
bool cgroup_list_has(const char *list, const char *word, const char *separators);

/* cgroup-tree.c: creating, emptying and removing directories */
/* `path`: the cgroup as /proc/PID/cgroup shows it in the unified hierarchy. */
int cgroup_kill(int dir_fd, const char *path);
/* `path` relative to `parent_fd`, and everything below it. */
int cgroup_remove(int parent_fd, const char *path);
int cgroup_chown(int dir_fd, uid_t uid, gid_t gid);

/* cgroup-limits.c */
int cgroup_limits_check(const struct cgroup *cg);
int cgroup_limits_enable(const struct cgroup *cg, int tree_fd);
int cgroup_limits_apply(const struct cgroup *cg);
int cgroup_cpuset_inherit(int parent_fd, int dir_fd);

/* cgroup-systemd.c */
int cgroup_systemd_connect(sd_bus **ret);
int cgroup_systemd_start_scope(const struct cgroup *cg, pid_t pid);
int cgroup_systemd_stop_scope(const struct cgroup *cg);
int cgroup_systemd_hold(struct cgroup *cg);
int cgroup_systemd_arrange(struct cgroup *cg, pid_t pid);
void cgroup_systemd_release(struct cgroup *cg);

/* cgroup-stats.c */
/* Logs an OOM kill in the container (and, at debug level, what it used). */
void cgroup_report(const struct cgroup *cg);
