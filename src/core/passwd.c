/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdint.h>
#include <string.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "core/passwd.h"

#define PASSWD_SIZE_MAX (4U * 1024U * 1024U)
#define ID_MAX UINT32_C(4294967294) /* (uid_t) -1 means "no change" to setresuid() & co. */
#define DIGITS "0123456789"
/* Spelled out rather than isalnum(), which depends on the locale. */
#define USER_NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" DIGITS "_-."
#define USER_NAME_MAX (sizeof(((struct user_identity *) NULL)->name) - 1)

enum passwd_field {
        FIELD_NAME,
        FIELD_PASSWORD,
        FIELD_UID,
        FIELD_GID,
        FIELD_GECOS,
        FIELD_HOME,
        FIELD_SHELL,
        _FIELD_MAX,
};

struct field {
        const char *p;
        size_t n;
};

/* `s` is a field: it ends at ':' or NUL, neither of which is in USER_NAME_CHARS, so strspn()
 * cannot run past it. A trailing '$' is allowed for Samba machine accounts. */
static bool user_name_is_valid(const char *s, size_t n) {
        size_t body = n > 0 && s[n - 1] == '$' ? n - 1 : n;

        return body >= 1 && n <= USER_NAME_MAX && s[0] != '-' &&
                strspn(s, USER_NAME_CHARS) == body;
}

/* Plain decimal only: no sign, no space, no base prefix, nothing strtoul() would let through. */
static int parse_id(const char *s, size_t n, uint32_t *ret) {
        uint64_t v = 0;

        if (n == 0 || strspn(s, DIGITS) < n)
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                v = v * 10 + (uint64_t) (s[i] - '0');
                if (v > ID_MAX)
                        return -EINVAL;
        }
        *ret = (uint32_t) v;
        return 0;
}

static bool has_control_chars(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if ((unsigned char) s[i] < ' ' || s[i] == 0x7f)
                        return true;
        return false;
}

/* Home and shell end up in the environment and in execve(): control characters have no business
 * there. Too long is -EINVAL rather than -ENAMETOOLONG: the line is just as unusable as a
 * malformed one, and passwd_lookup_fd() treats both alike. */
static int copy_field(char *dst, size_t size, struct field f) {
        if (f.n >= size || has_control_chars(f.p, f.n))
                return -EINVAL;
        memcpy(dst, f.p, f.n);
        dst[f.n] = 0;
        return 0;
}

static int split_fields(const char *line, struct field f[static _FIELD_MAX]) {
        for (size_t i = 0; i < _FIELD_MAX; i++) {
                size_t n = strcspn(line, ":");

                f[i] = (struct field) { line, n };
                line += n;
                if (i + 1 < _FIELD_MAX) {
                        if (*line != ':')
                                return -EINVAL;
                        line++;
                }
        }
        return *line ? -EINVAL : 0;
}

int passwd_parse_line(const char *line, struct user_identity *ret) {
        struct field f[_FIELD_MAX];
        struct user_identity u = {};
        uint32_t uid, gid;
        int r;

        r = split_fields(line, f);
        if (r < 0)
                return r;
        if (!user_name_is_valid(f[FIELD_NAME].p, f[FIELD_NAME].n))
                return -EINVAL;
        r = parse_id(f[FIELD_UID].p, f[FIELD_UID].n, &uid);
        if (r < 0)
                return r;
        r = parse_id(f[FIELD_GID].p, f[FIELD_GID].n, &gid);
        if (r < 0)
                return r;
        if (f[FIELD_HOME].n == 0)
                f[FIELD_HOME] = (struct field) { "/", 1 };
        else if (f[FIELD_HOME].p[0] != '/')
                return -EINVAL;

        u.uid = uid;
        u.gid = gid;
        r = copy_field(u.name, sizeof u.name, f[FIELD_NAME]);
        if (r >= 0)
                r = copy_field(u.home, sizeof u.home, f[FIELD_HOME]);
        if (r >= 0)
                r = copy_field(u.shell, sizeof u.shell, f[FIELD_SHELL]);
        if (r < 0)
                return r;
        *ret = u;
        return 0;
}

/* Malformed lines are skipped, not fatal, as glibc's files backend does: one bad line (a typo, a
 * NIS "+" entry, a half-written useradd) must not lock every user of the tree out, and a skipped
 * line can never match, so skipping grants nothing. A line with a NUL byte is malformed: as a C
 * string it would end early and a valid-looking prefix could hide what follows. "\r\n" endings
 * are accepted, so that a shell field does not end in a stray "\r" that execve() cannot find. */
static int find_entry(char *text, size_t size, const char *name, uid_t uid, struct user_identity *ret) {
        char *end = text + size;

        for (char *line = text; line < end;) {
                char *nl = memchr(line, '\n', (size_t) (end - line));
                char *next = nl ? nl + 1 : end;
                size_t n = (size_t) ((nl ? nl : end) - line);
                struct user_identity u;

                if (n > 0 && line[n - 1] == '\r')
                        n--;
                line[n] = 0;
                if (!memchr(line, 0, n) && passwd_parse_line(line, &u) >= 0 &&
                    (name ? streq(u.name, name) : u.uid == uid)) {
                        *ret = u;
                        return 0;
                }
                line = next;
        }
        return -ESRCH;
}

int passwd_lookup_fd(int fd, const char *user, struct user_identity *ret) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0, n = strlen(user);
        bool by_uid = n > 0 && strspn(user, DIGITS) == n;
        uint32_t uid = 0;
        int r;

        if (by_uid) {
                r = parse_id(user, n, &uid);
                if (r < 0)
                        return r;
        } else if (!user_name_is_valid(user, n))
                return -EINVAL;

        /* No fd: the tree has no /etc/passwd, and only numbers resolve. */
        if (fd >= 0) {
                r = fileio_read_full(fd, PASSWD_SIZE_MAX, &text, &size);
                if (r < 0)
                        return r;
                r = find_entry(text, size, by_uid ? NULL : user, uid, ret);
                if (r != -ESRCH)
                        return r;
        }
        if (!by_uid)
                return -ESRCH;

        /* As with nspawn and docker, a number needs no entry: the command runs with that uid, and
         * the gid of the same number, which the tree's files may not know either. */
        *ret = (struct user_identity) { .uid = uid, .gid = uid, .home = "/" };
        return 0;
}

void user_identity_root(struct user_identity *ret) {
        *ret = (struct user_identity) {
                .uid = 0,
                .gid = 0,
                .name = "root",
                .home = "/root",
                .shell = "/bin/sh",
        };
}
