/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "basic/strv.h"

void strv_free(char **l) {
        if (!l)
                return;
        for (char **i = l; *i; i++)
                free(*i);
        free(l);
}

int strv_push(char ***l, size_t *n, char **s) {
        char **grown = reallocarray(*l, *n + 2, sizeof(char *));

        if (!grown)
                return -ENOMEM;
        grown[(*n)++] = TAKE_PTR(*s);
        grown[*n] = NULL;
        *l = grown;
        return 0;
}

int strv_push_printf(char **l, size_t *n, const char *format, ...) {
        va_list ap;
        int r;

        va_start(ap, format);
        r = vasprintf(&l[*n], format, ap);
        va_end(ap);
        if (r < 0) {
                l[*n] = NULL;
                return -ENOMEM;
        }
        (*n)++;
        return 0;
}
