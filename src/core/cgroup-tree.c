/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <time.h>
#include <unistd.h>

#include "core/cgroup-internal.h"

/* Emptying and removing one container's cgroup directories, and handing one to the container. */

#define KILL_ROUNDS 50
#define REMOVE_TIMEOUT_MSEC 2000

static void sleep_msec(long msec) {
        struct timespec ts = { msec / 1000, (msec % 1000) * 1000000L };

        (void) nanosleep(&ts, NULL);
}

/* Whether process `pid` sits in `path` or below it, as its /proc/PID/cgroup shows the unified
 * hierarchy (in syscon's own cgroup namespace, like `path`). */
static bool process_is_below(pid_t pid, const char *path) {
        _cleanup_(fclosep) FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        char file[64];
        size_t size = 0, n = strlen(path);

        snprintf(file, sizeof file, "/proc/%d/cgroup", (int) pid);
        f = fopen(file, "re");
        while (f && getline(&line, &size, f) > 0) {
                char *controllers, *p;
                unsigned id;

                if (cgroup_parse_self_line(line, &id, &controllers, &p) >= 0 && id == 0)
                        return strncmp(p, path, n) == 0 && (p[n] == '/' || p[n] == 0);
        }
        return false;
}

/* SIGKILLs the processes listed in the cgroup. A PID is only a number and may be reused the moment
 * its process dies, so each is pinned with a pidfd first, its cgroup checked, and the pidfd then
 * shown to still be alive (so the check was about that process) before the signal goes out.
 * Returns how many were listed. */
static int kill_listed(int dir_fd, const char *path) {
        _cleanup_(fclosep) FILE *f = NULL;
        int fd, listed = 0;
        unsigned long pid;

        fd = openat(dir_fd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        f = fdopen(fd, "r");
        if (!f) {
                safe_close(fd);
                return -errno;
        }
        while (fscanf(f, "%lu", &pid) == 1) {
                _cleanup_close_ int pidfd = pidfd_open((pid_t) pid, 0);

                listed++;
                if (pidfd >= 0 && process_is_below((pid_t) pid, path) &&
                    pidfd_send_signal(pidfd, 0, NULL, 0) >= 0)
                        (void) pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
        }
        return listed;
}

static int kill_listed_recursive(int dir_fd, const char *path) {
        _cleanup_(closedirp) DIR *d = NULL;
        struct dirent *de;
        int listed, r;

        listed = kill_listed(dir_fd, path);
        if (listed < 0)
                return listed;
        r = opendir_at(dir_fd, ".", 0, &d);
        if (r < 0)
                return r;
        while ((de = readdir(d))) {
                _cleanup_close_ int sub = -EBADF;

                if (de->d_type != DT_DIR || streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                sub = openat(dir_fd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                if (sub < 0)
                        continue;
                r = kill_listed_recursive(sub, path);
                if (r > 0)
                        listed += r;
        }
        return listed;
}

int cgroup_kill(int dir_fd, const char *path) {
        int r = cgroup_write(dir_fd, "cgroup.kill", "1");

        if (r != -ENOENT)
                return r;
        /* Before Linux 5.14: one by one, in rounds, as a fork may race each round. */
        for (int round = 0; round < KILL_ROUNDS; round++) {
                r = kill_listed_recursive(dir_fd, path);
                if (r <= 0)
                        return r;
                sleep_msec(10);
        }
        return -EBUSY;
}

/* rmdir() fails with EBUSY until the kernel has let go of the last exiting task. */
static int remove_dir(int parent_fd, const char *name) {
        long waited = 0, step = 1;

        for (;;) {
                if (unlinkat(parent_fd, name, AT_REMOVEDIR) >= 0 || errno == ENOENT)
                        return 0;
                if (errno != EBUSY || waited >= REMOVE_TIMEOUT_MSEC)
                        return -errno;
                sleep_msec(step);
                waited += step;
                step = step < 64 ? step * 2 : step;
        }
}

static int remove_children(int parent_fd, const char *path) {
        _cleanup_(closedirp) DIR *d = NULL;
        struct dirent *de;
        int r;

        r = opendir_at(parent_fd, path, O_NOFOLLOW, &d);
        if (r < 0)
                return r == -ENOENT ? 0 : r;
        while ((de = readdir(d)))
                if (de->d_type == DT_DIR && !streq(de->d_name, ".") && !streq(de->d_name, "..")) {
                        int k = cgroup_remove(dirfd(d), de->d_name);
                        r = r < 0 ? r : k;
                }
        return r;
}

/* Deepest first, once the plain rmdir() found children (the container's own tree). The depth is
 * bounded: syscon caps cgroup.max.depth of every directory it hands to a container. */
int cgroup_remove(int parent_fd, const char *path) {
        int r;

        if (unlinkat(parent_fd, path, AT_REMOVEDIR) >= 0 || errno == ENOENT)
                return 0;
        if (errno != EBUSY && errno != ENOTEMPTY)
                return -errno;
        r = remove_children(parent_fd, path);
        return r < 0 ? r : remove_dir(parent_fd, path);
}

/* What systemd's CGROUP_DELEGATION.md hands over with a cgroup: the directory itself, and the files
 * that belong to the cgroup rather than to its parent's distribution of resources. */
int cgroup_chown(int dir_fd, uid_t uid, gid_t gid) {
        static const char *const required[] = { "cgroup.procs", "cgroup.subtree_control", "cgroup.threads" };
        static const char *const optional[] = { "memory.oom.group", "memory.reclaim" };

        if (fchown(dir_fd, uid, gid) < 0)
                return -errno;
        for (size_t i = 0; i < ELEMENTSOF(required); i++)
                if (fchownat(dir_fd, required[i], uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
                        return -errno;
        for (size_t i = 0; i < ELEMENTSOF(optional); i++)
                if (fchownat(dir_fd, optional[i], uid, gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT)
                        return -errno;
        return 0;
}
