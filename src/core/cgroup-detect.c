/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>

#include "core/cgroup-internal.h"
#include "basic/fileio.h"
#include "basic/log.h"

/* Which cgroup layout the host has, and where syscon itself sits in each hierarchy it uses: read
 * from statfs(), /proc/self/cgroup and /proc/self/mountinfo, never assumed. */

/* The v1 hierarchies a container always joins: the controllers accounting uses, and systemd's
 * named hierarchy, so that tools reading it see the container as a unit of its own. The others only
 * for a property that needs them (is_managed_v1()): every hierarchy costs a directory made and
 * removed per start, and a cpuset one its CPUs and memory nodes copied in. */
static const char *const managed_v1[] = { "memory", "cpuacct", "pids", "name=systemd" };

static int is_cgroup2(const char *path) {
        struct statfs s;

        if (statfs(path, &s) < 0)
                return errno == ENOENT ? 0 : -errno;
        return s.f_type == CGROUP2_SUPER_MAGIC;
}

int cgroup_detect_mode(enum cgroup_mode *ret) {
        int r;

        r = is_cgroup2("/sys/fs/cgroup");
        if (r > 0)
                *ret = CGROUP_MODE_UNIFIED;
        else if (r == 0) {
                r = is_cgroup2("/sys/fs/cgroup/unified");
                *ret = r > 0 ? CGROUP_MODE_HYBRID : CGROUP_MODE_LEGACY;
        }
        return r < 0 ? r : 0;
}

bool cgroup_hierarchy_has(const struct cgroup_hierarchy *h, const char *controller) {
        return !h->unified && cgroup_list_has(h->controllers, controller, ",");
}

/* v1 calls the io controller blkio. */
static const char *v1_name(const char *controller) {
        return streq(controller, "io") ? "blkio" : controller;
}

struct cgroup_hierarchy *cgroup_find_controller(const struct cgroup *cg, const char *controller) {
        for (size_t i = 0; i < cg->n_hierarchies; i++)
                if (cgroup_hierarchy_has(cg->hierarchies + i, v1_name(controller)))
                        return (struct cgroup_hierarchy *) cg->hierarchies + i;
        if (cgroup_list_has(cg->unified_controllers, controller, " "))
                return cg->unified;
        return NULL;
}

/* Whether the v1 mount with these super options (from mountinfo: "rw,cpu,cpuacct") is the
 * hierarchy /proc/self/cgroup names with `controllers` ("cpu,cpuacct"). */
int cgroup_controllers_match(const char *controllers, const char *super_options) {
        for (const char *c = controllers;;) {
                size_t n = strcspn(c, ",");
                char word[64];

                if (n == 0 || n >= sizeof word)
                        return false;
                memcpy(word, c, n);
                word[n] = 0;
                if (!cgroup_list_has(super_options, word, ","))
                        return false;
                if (!c[n])
                        return true;
                c += n + 1;
        }
}

/* "ID:CONTROLLERS:PATH", split in place. */
int cgroup_parse_self_line(char *line, unsigned *ret_id, char **ret_controllers, char **ret_path) {
        char *controllers, *path, *end;
        unsigned long id;

        controllers = strchr(line, ':');
        path = controllers ? strchr(controllers + 1, ':') : NULL;
        if (!path || path[1] != '/')
                return -EBADMSG;
        *controllers++ = 0;
        *path++ = 0;
        errno = 0;
        id = strtoul(line, &end, 10);
        if (errno != 0 || *end || end == line || id > 0xffff)
                return -EBADMSG;
        path[strcspn(path, "\n")] = 0;
        *ret_id = (unsigned) id;
        *ret_controllers = controllers;
        *ret_path = path;
        return 0;
}

/* "ID PARENT MAJ:MIN ROOT MOUNT-POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER-OPTIONS", split
 * in place. */
int cgroup_parse_mountinfo_line(char *line, struct mountinfo_entry *ret) {
        char *fields[64], *state = NULL;
        size_t n = 0, dash = 0;

        for (char *p = strtok_r(line, " \n", &state); p && n < ELEMENTSOF(fields); p = strtok_r(NULL, " \n", &state))
                fields[n++] = p;
        for (size_t i = 6; i < n && !dash; i++)
                if (streq(fields[i], "-"))
                        dash = i;
        if (dash == 0 || dash + 3 >= n)
                return -EBADMSG;
        *ret = (struct mountinfo_entry) {
                .root = fields[3],
                .mount_point = fields[4],
                .fstype = fields[dash + 1],
                .super_options = fields[dash + 3],
        };
        return 0;
}

/* A cgroup directory must not be named like the kernel's own files ("tasks", "cpu.max"): as
 * systemd does, such a name gets a "_" in front, which no kernel file starts with. */
const char *cgroup_dir_name_escape(const char *machine, char *buf, size_t size) {
        static const char *const reserved[] = { "tasks", "notify_on_release", "release_agent" };
        bool escape = strchr(machine, '.') != NULL;

        for (size_t i = 0; i < ELEMENTSOF(reserved); i++)
                escape = escape || streq(machine, reserved[i]);
        snprintf(buf, size, "%s%s", escape ? "_" : "", machine);
        return buf;
}

static bool is_below(const char *path, const char *mount_root) {
        size_t n = streq(mount_root, "/") ? 0 : strlen(mount_root);

        return strncmp(path, mount_root, n) == 0 && (path[n] == '/' || path[n] == 0);
}

/* `path` as seen from a mount whose root is `mount_root`: "." or "a/b", or NULL when the mount does
 * not show it. */
static char *path_below(const char *path, const char *mount_root) {
        if (!is_below(path, mount_root))
                return NULL;
        path += streq(mount_root, "/") ? 0 : strlen(mount_root);
        path += strspn(path, "/");
        return strdup(*path ? path : ".");
}

/* On a legacy host the unified hierarchy still exists, just not mounted: a detached mount of it,
 * which never shows in any mount table, gives the container a cgroup2 tree of its own. */
static int open_private_cgroup2(void) {
        _cleanup_close_ int fs = fsopen("cgroup2", FSOPEN_CLOEXEC);

        if (fs < 0)
                return -errno;
        if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return -errno;
        return RET_NERRNO(fsmount(fs, FSMOUNT_CLOEXEC, 0));
}

static int open_unified_root(enum cgroup_mode mode) {
        if (mode == CGROUP_MODE_LEGACY)
                return open_private_cgroup2();
        return RET_NERRNO(open(mode == CGROUP_MODE_UNIFIED ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified",
                               O_PATH | O_DIRECTORY | O_CLOEXEC));
}

static bool is_managed_v1(const struct cgroup_properties *p, const char *controllers) {
        if (p->io_weight > 0 && cgroup_list_has(controllers, "blkio", ","))
                return true;
        if ((p->cpu_quota_per_sec_usec > 0 || p->cpu_weight > 0) && cgroup_list_has(controllers, "cpu", ","))
                return true;
        if (p->allowed_cpus_set && cgroup_list_has(controllers, "cpuset", ","))
                return true;
        for (size_t i = 0; i < ELEMENTSOF(managed_v1); i++)
                if (cgroup_list_has(controllers, managed_v1[i], ","))
                        return true;
        return false;
}

static int add_hierarchy(struct cgroup *cg, bool unified, const char *controllers, int root_fd,
                         const char *mount_root, const char *path) {
        struct cgroup_hierarchy *h;

        if (cg->n_hierarchies >= CGROUP_HIERARCHIES_MAX) {
                safe_close(root_fd);
                return -E2BIG;
        }
        h = cg->hierarchies + cg->n_hierarchies++;
        *h = (struct cgroup_hierarchy) { .unified = unified, .root_fd = root_fd, .dir_fd = -EBADF };
        h->controllers = strdup(controllers);
        h->mount_root = strdup(mount_root);
        h->base = path_below(path, mount_root);
        if (!h->controllers || !h->mount_root || !h->base)
                return -ENOMEM;
        if (asprintf(&h->tree, "%s%s%s", streq(h->base, ".") ? "" : h->base, streq(h->base, ".") ? "" : "/",
                     CGROUP_TREE) < 0) {
                h->tree = NULL;
                return -ENOMEM;
        }
        if (asprintf(&h->dir, "%s/%s", h->tree, cg->dir_name) < 0) {
                h->dir = NULL;
                return -ENOMEM;
        }
        return 0;
}

/* Each v1 hierarchy syscon uses, matched to its mount in one pass over mountinfo (a mount shows
 * the hierarchy's controllers in its super options: "rw,cpu,cpuacct"). */
static int add_v1_hierarchies(struct cgroup *cg, struct cgroup_membership *m, size_t n) {
        _cleanup_(fclosep) FILE *f = fopen("/proc/self/mountinfo", "re");
        _cleanup_free_ char *line = NULL;
        size_t size = 0;

        if (!f)
                return -errno;
        while (getline(&line, &size, f) > 0) {
                struct mountinfo_entry e;

                /* Paths with spaces come escaped (\040): no cgroup mount has them, so skip those. */
                if (cgroup_parse_mountinfo_line(line, &e) < 0 || !streq(e.fstype, "cgroup") ||
                    strchr(e.mount_point, '\\'))
                        continue;
                for (size_t i = 0; i < n; i++) {
                        int fd, r;

                        /* A mount of a part of the hierarchy that syscon is not in does not do. */
                        if (m[i].id == 0 || !is_managed_v1(&cg->properties, m[i].controllers) ||
                            !cgroup_controllers_match(m[i].controllers, e.super_options) || !is_below(m[i].path, e.root))
                                continue;
                        fd = open(e.mount_point, O_PATH | O_DIRECTORY | O_CLOEXEC);
                        if (fd < 0)
                                return -errno;
                        r = add_hierarchy(cg, false, m[i].controllers, fd, e.root, m[i].path);
                        if (r < 0)
                                return r;
                        m[i].id = 0; /* one mount each */
                }
        }
        return 0;
}

/* Each line a path of up to PATH_MAX and its controllers: a file larger than the most lines read
 * can hold is no /proc/PID/cgroup. */
#define SELF_SIZE_MAX (CGROUP_MEMBERSHIPS_MAX * (PATH_MAX + 256))

/* Read whole or refused: cut short, it loses its last line, the unified hierarchy's, and syscon
 * would take the root for its own cgroup there. */
int cgroup_read_memberships(int fd, char **ret_text, struct cgroup_membership m[static CGROUP_MEMBERSHIPS_MAX],
                            size_t *ret_n) {
        _cleanup_free_ char *text = NULL;
        size_t size, n = 0;
        int r;

        r = fileio_read_full(fd, SELF_SIZE_MAX, &text, &size);
        if (r < 0)
                return r;
        for (char *line = text, *next; *line; line = next) {
                struct cgroup_membership e;

                next = line + strcspn(line, "\n");
                if (*next)
                        *next++ = 0;
                if (cgroup_parse_self_line(line, &e.id, &e.controllers, &e.path) < 0)
                        continue;
                if (n == CGROUP_MEMBERSHIPS_MAX)
                        return -E2BIG;
                m[n++] = e;
        }
        *ret_text = TAKE_PTR(text);
        *ret_n = n;
        return 0;
}

/* The unified hierarchy comes first: it is created first and removed last, and its directory
 * holds the lock that tells a running container from one whose supervisor was killed. */
int cgroup_open_hierarchies(struct cgroup *cg) {
        struct cgroup_membership m[CGROUP_MEMBERSHIPS_MAX];
        _cleanup_close_ int self_fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
        _cleanup_free_ char *text = NULL;
        const char *unified_path = "/";
        size_t n = 0;
        int fd, r;

        r = self_fd < 0 ? -errno : cgroup_read_memberships(self_fd, &text, m, &n);
        if (r == -EFBIG || r == -E2BIG)
                return log_error_errno(r, "/proc/self/cgroup is longer than syscon reads (%d bytes, %d hierarchies); "
                                       "refusing to place the container by a part of it.", SELF_SIZE_MAX,
                                       CGROUP_MEMBERSHIPS_MAX);
        if (r < 0)
                return log_error_errno(r, "Failed to read /proc/self/cgroup: %m");
        /* No "0::" line: nothing ever mounted cgroup2 here, so everything is still in its root. */
        for (size_t i = 0; i < n; i++)
                if (m[i].id == 0)
                        unified_path = m[i].path;
        fd = open_unified_root(cg->mode);
        if (fd < 0)
                return log_error_errno(fd, "Failed to open the host's cgroup2 hierarchy: %m");
        r = add_hierarchy(cg, true, "", fd, "/", unified_path);
        if (r >= 0 && cg->mode != CGROUP_MODE_UNIFIED)
                r = add_v1_hierarchies(cg, m, n);
        if (r < 0)
                return log_error_errno(r, "Failed to open the host's cgroup hierarchies: %m");
        cg->unified = cg->hierarchies;
        return 0;
}

void cgroup_hierarchy_done(struct cgroup_hierarchy *h) {
        free(h->controllers);
        free(h->base);
        free(h->tree);
        free(h->dir);
        free(h->mount_root);
        safe_close(h->root_fd);
        safe_close(h->dir_fd);
        *h = (struct cgroup_hierarchy) { .root_fd = -EBADF, .dir_fd = -EBADF };
}

/* With a systemd scope, systemd chose the container's cgroups: they are where its PID 1 now is. */
int cgroup_open_dirs_of(struct cgroup *cg, pid_t pid) {
        _cleanup_(fclosep) FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        char file[64];
        size_t size = 0;

        snprintf(file, sizeof file, "/proc/%d/cgroup", (int) pid);
        f = fopen(file, "re");
        if (!f)
                return -errno;
        while (getline(&line, &size, f) > 0) {
                char *controllers, *path;
                unsigned id;

                if (cgroup_parse_self_line(line, &id, &controllers, &path) < 0)
                        continue;
                for (size_t i = 0; i < cg->n_hierarchies; i++) {
                        struct cgroup_hierarchy *h = cg->hierarchies + i;
                        _cleanup_free_ char *dir = NULL;

                        if (h->dir_fd >= 0 || h->unified != (id == 0) || !streq(h->controllers, id == 0 ? "" : controllers))
                                continue;
                        dir = path_below(path, h->mount_root);
                        if (!dir)
                                return -ENOENT;
                        h->dir_fd = openat(h->root_fd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        if (h->dir_fd < 0)
                                return -errno;
                        if (h->unified && !(cg->path = strdup(path)))
                                return -ENOMEM;
                }
        }
        return cg->unified->dir_fd >= 0 ? 0 : -ENOENT;
}
