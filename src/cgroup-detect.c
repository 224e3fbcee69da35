/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>

#include "cgroup-internal.h"
#include "log.h"

/* Which cgroup layout the host has, and where syscon itself sits in each hierarchy it uses: read
 * from statfs(), /proc/self/cgroup and /proc/self/mountinfo, never assumed. */

/* The v1 hierarchies a container joins: the controllers limits and accounting use, and systemd's
 * named hierarchy, so that tools reading it see the container as a unit of its own. */
static const char *const managed_v1[] = { "memory", "cpu", "cpuacct", "cpuset", "pids", "blkio", "name=systemd" };

DEFINE_TRIVIAL_CLEANUP_FUNC(FILE *, fclose);

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

/* `path` as seen from a mount whose root is `mount_root`: "." or "a/b", or NULL when the mount does
 * not show it. */
static char *path_below(const char *path, const char *mount_root) {
        size_t n = streq(mount_root, "/") ? 0 : strlen(mount_root);

        if (strncmp(path, mount_root, n) != 0 || (path[n] != '/' && path[n] != 0))
                return NULL;
        path += n;
        path += strspn(path, "/");
        return strdup(*path ? path : ".");
}

/* Finds the mount of the v1 hierarchy with `controllers` in mountinfo; returns its directory fd
 * and syscon's cgroup `path` relative to it. */
static int open_v1_mount(const char *controllers, const char *path, char **ret_mount_root, char **ret_base) {
        _cleanup_(fclosep) FILE *f = fopen("/proc/self/mountinfo", "re");
        _cleanup_free_ char *line = NULL;
        size_t size = 0;

        if (!f)
                return -errno;
        while (getline(&line, &size, f) > 0) {
                char root[4096], mount_point[4096], fstype[32], super_options[4096];
                const char *sep = strstr(line, " - ");

                /* Paths with spaces come escaped (\040): no cgroup mount has them, so skip those. */
                if (!sep || sscanf(line, "%*u %*u %*s %4095s %4095s", root, mount_point) != 2 ||
                    sscanf(sep, " - %31s %*s %4095s", fstype, super_options) != 2 || strchr(mount_point, '\\'))
                        continue;
                if (!streq(fstype, "cgroup") || !cgroup_controllers_match(controllers, super_options))
                        continue;

                _cleanup_free_ char *base = path_below(path, root), *mount_root = strdup(root);
                if (!base || !mount_root)
                        continue;
                int fd = open(mount_point, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0)
                        return -errno;
                *ret_base = TAKE_PTR(base);
                *ret_mount_root = TAKE_PTR(mount_root);
                return fd;
        }
        return -ENOENT;
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

static bool is_managed_v1(const char *controllers) {
        for (size_t i = 0; i < ELEMENTSOF(managed_v1); i++)
                if (cgroup_list_has(controllers, managed_v1[i], ","))
                        return true;
        return false;
}

static int add_hierarchy(struct cgroup *cg, bool unified, const char *controllers, const char *path) {
        struct cgroup_hierarchy *h;
        int fd;

        if (cg->n_hierarchies >= CGROUP_HIERARCHIES_MAX)
                return -E2BIG;
        h = cg->hierarchies + cg->n_hierarchies;
        *h = (struct cgroup_hierarchy) { .unified = unified, .root_fd = -EBADF, .dir_fd = -EBADF };
        h->controllers = strdup(controllers);
        if (!h->controllers)
                return -ENOMEM;
        if (unified) {
                fd = open_unified_root(cg->mode);
                h->mount_root = strdup("/");
                h->base = path_below(path, "/");
        } else
                fd = open_v1_mount(controllers, path, &h->mount_root, &h->base);
        if (fd < 0 || !h->base || !h->mount_root) {
                safe_close(fd);
                cgroup_hierarchy_done(h);
                return fd < 0 ? fd : -ENOMEM;
        }
        h->root_fd = fd;
        cg->n_hierarchies++;
        return 0;
}

/* Syscon's own cgroup in the unified hierarchy (the "0::" line), or in each v1 one. */
static int scan_self(FILE *f, bool unified, struct cgroup *cg, char **ret_unified_path) {
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        int r;

        rewind(f);
        while (getline(&line, &size, f) > 0) {
                char *controllers, *path;
                unsigned id;

                if (cgroup_parse_self_line(line, &id, &controllers, &path) < 0)
                        continue;
                if (unified && id == 0) {
                        *ret_unified_path = strdup(path);
                        return *ret_unified_path ? 0 : -ENOMEM;
                }
                if (unified || id == 0 || !is_managed_v1(controllers))
                        continue;
                r = add_hierarchy(cg, false, controllers, path);
                if (r < 0 && r != -ENOENT)
                        return log_error_errno(r, "Failed to open the cgroup hierarchy %s: %m", controllers);
        }
        /* No "0::" line: nothing ever mounted cgroup2 here, so everything is still in its root. */
        if (unified)
                *ret_unified_path = strdup("/");
        return unified && !*ret_unified_path ? -ENOMEM : 0;
}

/* The unified hierarchy comes first: it is created first and removed last, and its directory
 * holds the lock that tells a running container from one whose supervisor was killed. */
int cgroup_open_hierarchies(struct cgroup *cg) {
        _cleanup_(fclosep) FILE *f = fopen("/proc/self/cgroup", "re");
        _cleanup_free_ char *unified_path = NULL;
        int r;

        if (!f)
                return log_error_errno(-errno, "Failed to read /proc/self/cgroup: %m");
        r = scan_self(f, true, cg, &unified_path);
        if (r < 0)
                return log_error_errno(r, "Failed to read /proc/self/cgroup: %m");
        r = add_hierarchy(cg, true, "", unified_path);
        if (r < 0)
                return log_error_errno(r, "Failed to open the host's cgroup2 hierarchy: %m");
        cg->unified = cg->hierarchies;
        if (cg->mode == CGROUP_MODE_UNIFIED)
                return 0;
        return scan_self(f, false, cg, NULL);
}

void cgroup_hierarchy_done(struct cgroup_hierarchy *h) {
        free(h->controllers);
        free(h->base);
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
