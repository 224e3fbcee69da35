/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What a piece of code writes to stdout or stderr, for tests of messages. Include after cmocka.h. */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct capture {
        int fd;
        int saved;
        FILE *file;
};

static inline void capture_start(struct capture *c, int fd) {
        c->fd = fd;
        c->file = tmpfile();
        c->saved = dup(fd);
        assert_non_null(c->file);
        assert_true(c->saved >= 0);
        fflush(NULL);
        assert_int_equal(dup2(fileno(c->file), fd), fd);
}

/* Restores the fd and returns what was written meanwhile, freed by the caller. */
static inline char *capture_stop(struct capture *c) {
        char *text = calloc(8192, 1);

        assert_non_null(text);
        fflush(NULL);
        assert_int_equal(dup2(c->saved, c->fd), c->fd);
        close(c->saved);
        rewind(c->file);
        assert_true(fread(text, 1, 8191, c->file) > 0);
        fclose(c->file);
        return text;
}
