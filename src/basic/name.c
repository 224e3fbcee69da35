/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <limits.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/name.h"

/* Spelled out rather than isalnum(), which depends on the locale. */
#define LABEL_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"

static bool label_is_valid(const char *s, size_t n) {
        return n >= 1 && n <= 63 && strspn(s, LABEL_CHARS) == n && s[0] != '-' && s[n - 1] != '-';
}

bool hostname_is_valid(const char *s) {
        size_t total = strlen(s);

        if (total < 1 || total > HOST_NAME_MAX)
                return false;
        for (;;) {
                size_t n = strcspn(s, ".");

                if (!label_is_valid(s, n))
                        return false;
                if (!s[n])
                        return true;
                s += n + 1;
        }
}

bool machine_name_is_valid(const char *s) {
        return hostname_is_valid(s);
}

int machine_name_from_path(const char *path, char **ret) {
        _cleanup_free_ char *name = NULL;
        size_t end = strlen(path), start;

        while (end > 0 && path[end - 1] == '/')
                end--;
        start = end;
        while (start > 0 && path[start - 1] != '/')
                start--;

        name = strndup(path + start, end - start);
        if (!name)
                return -ENOMEM;
        if (!machine_name_is_valid(name))
                return -EINVAL;
        *ret = TAKE_PTR(name);
        return 0;
}
