/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The helper's user-namespace observations (issue #4): the ID maps the process runs under, the
 * owner of a file as the container sees it, and what container root may do that only the host's
 * root may (create a block device, drop supplementary groups).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "helper-userns.h"
#include "helper.h"

/* Prints KEY=INSIDE:OUTSIDE:COUNT[,...] from a /proc/self/{uid,gid}_map, one token. */
static int print_map(const char *key, const char *path) {
        char buf[4096];
        ssize_t n = read_file(path, buf, sizeof(buf));
        const char *sep = "";

        if (n < 0)
                return fail(path, (int) -n);
        dprintf(1, "%s=", key);
        for (char *line = buf; line && *line;) {
                char *next = strchr(line, '\n');
                unsigned long inside, outside, count;

                if (next)
                        *next++ = '\0';
                if (sscanf(line, "%lu %lu %lu", &inside, &outside, &count) == 3) {
                        dprintf(1, "%s%lu:%lu:%lu", sep, inside, outside, count);
                        sep = ",";
                }
                line = next;
        }
        dprintf(1, "\n");
        return 0;
}

static int cmd_idmap(void) {
        char buf[64];
        ssize_t n;
        int r;

        r = print_map("uid_map", "/proc/self/uid_map");
        if (r == 0)
                r = print_map("gid_map", "/proc/self/gid_map");
        if (r != 0)
                return r;
        n = read_file("/proc/self/setgroups", buf, sizeof(buf));
        if (n < 0)
                return fail("/proc/self/setgroups", (int) -n);
        buf[strcspn(buf, "\n")] = '\0';
        dprintf(1, "setgroups=%s\n", buf);
        return 0;
}

/* Owner and mode of PATH itself (not a symlink's target) as this process sees them. */
static int cmd_stat(const char *path) {
        struct stat st;

        if (lstat(path, &st) < 0) {
                dprintf(1, "stat=%s\n", errno_name(errno));
                return 0;
        }
        dprintf(1, "stat=ok uid=%u gid=%u mode=%04o\n", (unsigned) st.st_uid, (unsigned) st.st_gid,
                (unsigned) (st.st_mode & 07777));
        return 0;
}

/* A block device node for the loop device 7:0: only the host's root may make one. */
static int cmd_mknod_block(const char *path) {
        if (mknod(path, S_IFBLK | 0600, makedev(7, 0)) < 0) {
                dprintf(1, "mknod=%s\n", errno_name(errno));
                return 0;
        }
        dprintf(1, "mknod=ok\n");
        (void) unlink(path);
        return 0;
}

static int cmd_setgroups(const char *arg) {
        char *end;
        unsigned long v;
        gid_t gid;

        errno = 0;
        v = strtoul(arg, &end, 10);
        if (errno != 0 || *end != '\0' || *arg == '\0' || v > 0xfffffffeUL) {
                dprintf(2, "setgroups: bad GID %s\n", arg);
                return EXIT_USAGE;
        }
        gid = (gid_t) v;
        if (setgroups(1, &gid) < 0) {
                dprintf(1, "setgroups=%s\n", errno_name(errno));
                return 0;
        }
        dprintf(1, "setgroups=ok\n");
        return 0;
}

int helper_userns_main(const char *cmd, int argc, char **argv) {
        const char *arg = argc > 0 ? argv[0] : NULL;

        if (strcmp(cmd, "idmap") == 0)
                return cmd_idmap();
        if (!arg)
                return -1;
        if (strcmp(cmd, "stat") == 0)
                return cmd_stat(arg);
        if (strcmp(cmd, "mknod-block") == 0)
                return cmd_mknod_block(arg);
        if (strcmp(cmd, "setgroups") == 0)
                return cmd_setgroups(arg);
        return -1;
}
