/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/cgroup-internal.h"

/* Reading and writing the small attribute files of one cgroup directory. A cgroup file takes one
 * value per write(); the kernel's answer to that write is the result. */

int cgroup_write(int dir_fd, const char *file, const char *value) {
        _cleanup_close_ int fd = openat(dir_fd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        size_t n = strlen(value);
        ssize_t k;

        if (fd < 0)
                return -errno;
        k = write(fd, value, n);
        if (k < 0)
                return -errno;
        return (size_t) k == n ? 0 : -EIO;
}

/* `file` in the subdirectory `dir`. */
int cgroup_write_at(int dir_fd, const char *dir, const char *file, const char *value) {
        char path[PATH_MAX];

        if (snprintf(path, sizeof path, "%s/%s", dir, file) >= (int) sizeof path)
                return -ENAMETOOLONG;
        return cgroup_write(dir_fd, path, value);
}

/* `max_word` is what the file takes for "no limit": "max" (v2) or "-1" (v1). */
int cgroup_write_u64(int dir_fd, const char *file, uint64_t value, const char *max_word) {
        char buf[32];

        if (value == CGROUP_LIMIT_MAX)
                return cgroup_write(dir_fd, file, max_word);
        snprintf(buf, sizeof buf, "%" PRIu64, value);
        return cgroup_write(dir_fd, file, buf);
}

/* The whole file, without its trailing newline. */
int cgroup_read(int dir_fd, const char *file, char *buf, size_t size) {
        _cleanup_close_ int fd = openat(dir_fd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        size_t used = 0;

        if (fd < 0)
                return -errno;
        for (;;) {
                ssize_t k = read(fd, buf + used, size - 1 - used);

                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                used += (size_t) k;
                if (used == size - 1)
                        return -EFBIG;
        }
        while (used > 0 && buf[used - 1] == '\n')
                used--;
        buf[used] = 0;
        return 0;
}

static int parse_u64_word(const char *s, uint64_t *ret) {
        char *end;

        if (streq(s, "max")) {
                *ret = CGROUP_LIMIT_MAX;
                return 0;
        }
        if (*s < '0' || *s > '9')
                return -EBADMSG;
        errno = 0;
        *ret = strtoull(s, &end, 10);
        if (errno != 0 || (*end && *end != '\n' && *end != ' '))
                return -EBADMSG;
        return 0;
}

int cgroup_read_u64(int dir_fd, const char *file, uint64_t *ret) {
        char buf[64];
        int r = cgroup_read(dir_fd, file, buf, sizeof buf);

        return r < 0 ? r : parse_u64_word(buf, ret);
}

/* From a file of "key value" lines (cpu.stat, memory.events, memory.oom_control). */
int cgroup_read_key(int dir_fd, const char *file, const char *key, uint64_t *ret) {
        char buf[4096];
        size_t n = strlen(key);
        int r = cgroup_read(dir_fd, file, buf, sizeof buf);

        if (r < 0)
                return r;
        for (const char *line = buf; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
                if (strncmp(line, key, n) == 0 && line[n] == ' ')
                        return parse_u64_word(line + n + 1, ret);
        return -ENODATA;
}

bool cgroup_has_file(int dir_fd, const char *file) {
        return faccessat(dir_fd, file, F_OK, AT_SYMLINK_NOFOLLOW) >= 0;
}

/* Whether `word` is one of the items of `list`, split at any of `separators`. */
bool cgroup_list_has(const char *list, const char *word, const char *separators) {
        size_t n = strlen(word);

        for (;;) {
                size_t k = strcspn(list, separators);

                if (k == n && strncmp(list, word, n) == 0)
                        return true;
                if (!list[k])
                        return false;
                list += k + 1;
        }
}
