/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* A user of the container, looked up in the tree's own /etc/passwd: syscon never asks the host's
 * NSS about container users. The file is hostile input: every field is bounded. */
struct user_identity {
        uid_t uid;
        gid_t gid;
        char name[33];     /* empty when the user was given as a number not in the file */
        char home[256];    /* "/" when unknown */
        char shell[256];   /* empty when unknown */
};

/* Parses one passwd line ("name:x:uid:gid:gecos:home:shell"), without its line terminator.
 * -EINVAL (never -ENAMETOOLONG) if malformed or a field is out of bounds: not exactly 7 fields; a
 * name not 1..32 of [A-Za-z0-9_.-] plus an optional trailing '$', or starting with '-'; a uid or
 * gid not plain decimal in 0..4294967294; a home that is not absolute; a home or shell too long
 * for its buffer or holding a control character. An empty home becomes "/". `ret` is only
 * written on success. */
int passwd_parse_line(const char *line, struct user_identity *ret);

/* Finds `user` in the passwd text read from `fd` with pread() from offset 0 (at most 4 MiB are
 * read; the fd stays the caller's). A number matches the uid field; if no line has it, the result
 * is that uid with gid = uid, no name, home "/" and no shell. Anything else matches the name
 * field. The first matching line wins; malformed lines (including those with a NUL byte) are
 * skipped; "\n" and "\r\n" line ends are accepted. `fd` may be -EBADF when the tree has no
 * /etc/passwd: then only numbers resolve. -ESRCH if not found, -EINVAL if `user` is a number out
 * of range or a name that cannot be a user name, -EFBIG if the file is larger. */
int passwd_lookup_fd(int fd, const char *user, struct user_identity *ret);

/* Root's identity when the tree has no entry for it. */
void user_identity_root(struct user_identity *ret);
