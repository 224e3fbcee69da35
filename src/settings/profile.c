/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "basic/log.h"
#include "settings/profile.h"

/* A profile is a handful of lines; anything near these limits is not one. */
#define PROFILE_SIZE_MAX (64 * 1024)
#define PROFILE_LINE_MAX 4096
#define PROFILE_NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."
#define KEY_CHARS "abcdefghijklmnopqrstuvwxyz-"
#define BLANKS " \t"

const char *const profile_dirs[] = { "/etc/syscon/profiles", SYSCON_PROFILE_DIR, NULL };

static bool profile_name_is_valid(const char *name) {
        return *name && name[0] != '.' && strlen(name) <= 64 && strspn(name, PROFILE_NAME_CHARS) == strlen(name);
}

/* O_NONBLOCK: a FIFO in place of the file must not hang the launcher; it is refused below. */
static int open_profile(const char *path) {
        return RET_NERRNO(open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
}

/* Finds NAME.conf in `dirs`; -ENOENT (logged) when none has it. */
static int find_profile(const char *name, const char *const *dirs, char **ret_path, int *ret_fd) {
        char searched[512] = "";

        for (size_t i = 0; dirs[i]; i++) {
                _cleanup_free_ char *path = NULL;
                int fd;

                if (asprintf(&path, "%s/%s.conf", dirs[i], name) < 0)
                        return -ENOMEM;
                fd = open_profile(path);
                if (fd >= 0) {
                        *ret_path = TAKE_PTR(path);
                        *ret_fd = fd;
                        return 0;
                }
                if (fd != -ENOENT)
                        return log_error_errno(fd, "Failed to open the profile %s: %m", path);
                snprintf(searched + strlen(searched), sizeof searched - strlen(searched), "%s%s",
                         i > 0 ? ", " : "", dirs[i]);
        }
        log_error("No profile \"%s\" in %s; give the name of a file NAME.conf there, or a path, as "
                  "in --profile=strict or --profile=/etc/syscon/web.conf.", name, searched);
        return -ENOENT;
}

static int read_profile(int fd, const char *path, char **ret) {
        _cleanup_free_ char *buf = NULL;
        struct stat st;
        ssize_t n;

        if (fstat(fd, &st) < 0)
                return log_error_errno(-errno, "Failed to read the profile %s: %m", path);
        if (!S_ISREG(st.st_mode)) {
                log_error("%s: not a regular file; a profile is a file of KEY=VALUE lines.", path);
                return -EINVAL;
        }
        if (st.st_size > PROFILE_SIZE_MAX) {
                log_error("%s: larger than %d bytes; a profile is a few KEY=VALUE lines.", path,
                          PROFILE_SIZE_MAX);
                return -EINVAL;
        }
        buf = malloc((size_t) st.st_size + 1);
        if (!buf)
                return -ENOMEM;
        n = read(fd, buf, (size_t) st.st_size);
        if (n < 0)
                return log_error_errno(-errno, "Failed to read the profile %s: %m", path);
        buf[n] = 0;
        if (strlen(buf) != (size_t) n) {
                log_error("%s: contains a NUL byte; a profile is text.", path);
                return -EINVAL;
        }
        *ret = TAKE_PTR(buf);
        return 0;
}

static char *strip(char *s) {
        char *end;

        s += strspn(s, BLANKS);
        end = s + strlen(s);
        while (end > s && strchr(BLANKS "\r", end[-1]))
                *--end = 0;
        return s;
}

/* One line, cut out of the buffer (NUL-terminated in place). */
static int parse_line(char *line, const char *path, unsigned n, profile_setting_fn fn, void *userdata) {
        char *eq, *key, *value;

        line = strip(line);
        if (!*line || *line == '#')
                return 0;
        eq = strchr(line, '=');
        if (!eq) {
                /* Not quoted: the file may be anything (--profile=/etc/shadow), and its content is
                 * not the launcher's to print. */
                log_error("%s:%u: not a setting; a profile's lines are KEY=VALUE, as in "
                          "no-new-privileges=yes.", path, n);
                return -EINVAL;
        }
        *eq = 0;
        key = strip(line);
        value = strip(eq + 1);
        if (!*key || key[0] == '-' || strspn(key, KEY_CHARS) != strlen(key)) {
                log_error("%s:%u: not a setting name before the '='; use an option's name without "
                          "\"--\", as in no-new-privileges=yes.", path, n);
                return -EINVAL;
        }
        return fn(userdata, key, value, path, n);
}

static int parse_profile(char *text, const char *path, profile_setting_fn fn, void *userdata) {
        unsigned n = 0;
        int r;

        for (char *line = text, *next; line; line = next) {
                size_t len = strcspn(line, "\n");

                next = line[len] ? line + len + 1 : NULL;
                line[len] = 0;
                n++;
                if (len > PROFILE_LINE_MAX) {
                        log_error("%s:%u: line longer than %d bytes.", path, n, PROFILE_LINE_MAX);
                        return -EINVAL;
                }
                r = parse_line(line, path, n, fn, userdata);
                if (r < 0)
                        return r;
        }
        return 0;
}

int profile_load(const char *spec, const char *const *dirs, profile_setting_fn fn, void *userdata) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (strchr(spec, '/')) {
                path = strdup(spec);
                if (!path)
                        return -ENOMEM;
                fd = open_profile(path);
                if (fd < 0)
                        return log_error_errno(fd, "Failed to open the profile %s: %m", path);
        } else {
                if (!profile_name_is_valid(spec)) {
                        log_error("Invalid --profile= value \"%s\": give a profile name (letters, digits, "
                                  "'-', '_', '.') or a path, as in --profile=strict.", spec);
                        return -EINVAL;
                }
                r = find_profile(spec, dirs, &path, &fd);
                if (r < 0)
                        return r;
        }
        r = read_profile(fd, path, &text);
        if (r < 0)
                return r;
        return parse_profile(text, path, fn, userdata);
}
