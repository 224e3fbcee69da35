/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A scratch directory per test, removed with everything in it. Include after cmocka.h. */

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline char *tmpdir_new(void) {
        char *path = strdup("/tmp/syscon-unit-XXXXXX");

        assert_non_null(path);
        assert_non_null(mkdtemp(path));
        return path;
}

static inline int tmpdir_remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        return remove(path);
}

/* FTW_PHYS: never follows a symlink out of the directory; FTW_MOUNT: never enters a mount that a
 * test forgot to unmount, so a failed test cannot empty what is mounted there. */
static inline void tmpdir_free(char *path) {
        if (!path)
                return;
        assert_int_equal(nftw(path, tmpdir_remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT), 0);
        free(path);
}

/* "DIR/NAME", freed by the caller. */
static inline char *path_join(const char *dir, const char *name) {
        char *p = NULL;

        assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
        return p;
}
