/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "settings/environ.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
/* PATH, container, container_uuid, TERM, HOME, USER, LOGNAME, SHELL */
#define N_DEFAULTS_MAX 8

/* Takes `entry`. Replacing in place keeps the order in which names first appeared. */
static void env_put(char **l, size_t *n, char *entry) {
        size_t k = strcspn(entry, "=");

        for (size_t i = 0; i < *n; i++)
                if (strncmp(l[i], entry, k) == 0 && l[i][k] == '=') {
                        free(l[i]);
                        l[i] = entry;
                        return;
                }
        l[(*n)++] = entry;
}

static int env_putf(char **l, size_t *n, const char *format, ...) _printf_(3, 4);
static int env_putf(char **l, size_t *n, const char *format, ...) {
        char *entry;
        va_list ap;
        int r;

        va_start(ap, format);
        r = vasprintf(&entry, format, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        env_put(l, n, entry);
        return 0;
}

static int env_put_user(char **l, size_t *n, const struct user_identity *user) {
        int r;

        r = env_putf(l, n, "HOME=%s", user->home);
        /* A bare number has no name; an empty USER would make some programs believe in a user "". */
        if (r >= 0 && user->name[0])
                r = env_putf(l, n, "USER=%s", user->name);
        if (r >= 0 && user->name[0])
                r = env_putf(l, n, "LOGNAME=%s", user->name);
        if (r >= 0 && user->shell[0])
                r = env_putf(l, n, "SHELL=%s", user->shell);
        return r;
}

int environ_build(const struct config *c, const struct user_identity *user,
                  const char *container_uuid, const char *term, char ***ret) {
        /* Each entry is either appended or replaces one, so this bounds the array. */
        _cleanup_(strv_freep) char **l = calloc(N_DEFAULTS_MAX + c->n_setenv + 1, sizeof(char *));
        size_t n = 0;
        int r;

        if (!l)
                return -ENOMEM;
        r = env_putf(l, &n, "PATH=%s", DEFAULT_PATH);
        if (r >= 0)
                r = env_putf(l, &n, "container=syscon");
        if (r >= 0)
                r = env_putf(l, &n, "container_uuid=%s", container_uuid);
        if (r >= 0)
                r = env_putf(l, &n, "TERM=%s", term);
        if (r >= 0)
                r = env_put_user(l, &n, user);
        for (size_t i = 0; r >= 0 && i < c->n_setenv; i++)
                r = env_putf(l, &n, "%s", c->setenv[i]);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(l);
        return 0;
}
