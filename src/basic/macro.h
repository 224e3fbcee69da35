/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define _unused_ __attribute__((unused))
#define _cleanup_(f) __attribute__((cleanup(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_ __attribute__((noreturn))

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void *mfree(void *p) {
        free(p);
        return NULL;
}

static inline int safe_close(int fd) {
        if (fd >= 0) {
                int saved = errno;
                close(fd);
                errno = saved;
        }
        return -EBADF;
}

static inline void closep(int *fd) {
        safe_close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void close_pairp(int (*pair)[2]) {
        safe_close((*pair)[0]);
        safe_close((*pair)[1]);
}
#define _cleanup_close_pair_ _cleanup_(close_pairp)

/* One cleanup helper per foreign type: DEFINE_TRIVIAL_CLEANUP_FUNC(cap_t, cap_free) gives cap_freep. */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)        \
        static inline void func##p(type *p) {          \
                if (*p)                                \
                        func(*p);                      \
        }

DEFINE_TRIVIAL_CLEANUP_FUNC(DIR *, closedir);

/* A directory stream on `path` below `dir_fd` ("." for `dir_fd` itself), on an fd of its own. */
static inline int opendir_at(int dir_fd, const char *path, int flags, DIR **ret) {
        int fd = openat(dir_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | flags);

        if (fd < 0)
                return -errno;
        *ret = fdopendir(fd);
        if (!*ret) {
                int r = -errno;
                close(fd);
                return r;
        }
        return 0;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(FILE *, fclose);

#define TAKE_PTR(p)                             \
        ({                                      \
                __typeof__(p) _tmp_ = (p);      \
                (p) = NULL;                     \
                _tmp_;                          \
        })

#define TAKE_FD(fd)                             \
        ({                                      \
                int _tmp_ = (fd);               \
                (fd) = -EBADF;                  \
                _tmp_;                          \
        })

/* Syscall wrappers return -errno; this turns the classic -1/errno convention into that. */
#define RET_NERRNO(expr)                        \
        ({                                      \
                long _r_ = (long) (expr);       \
                _r_ < 0 ? -errno : (int) _r_;   \
        })

static inline int negative_errno(void) {
        return errno > 0 ? -errno : -EIO;
}

#define streq(a, b) (strcmp((a), (b)) == 0)
