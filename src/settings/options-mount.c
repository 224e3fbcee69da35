/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "core/mount.h"
#include "settings/option-parsers.h"

/* --bind=, --bind-ro= and --tmpfs=, into the list of custom mounts in the order given. */

#define BIND_EXAMPLE "/srv/data:/data"
#define TMPFS_EXAMPLE "/var/tmp:mode=1777"

/* Cuts the next ':'-separated field off *p into *ret, turning "\:" into ':'. Sets *p to NULL
 * after the last field. */
static int next_field(const char **p, char **ret) {
        const char *s = *p;
        char *field = malloc(strlen(s) + 1), *d = field;

        if (!field)
                return -ENOMEM;
        for (; *s && *s != ':'; s++) {
                if (s[0] == '\\' && s[1] == ':')
                        s++;
                *d++ = *s;
        }
        *d = 0;
        *p = *s ? s + 1 : NULL;
        *ret = field;
        return 0;
}

/* Steps *p over the next component of a path, skipping slashes; returns its length, 0 at the end. */
static size_t path_next_component(const char **p, const char **ret) {
        size_t n;

        *p += strspn(*p, "/");
        n = strcspn(*p, "/");
        *ret = *p;
        *p += n;
        return n;
}

static bool path_has_dot_dot(const char *path) {
        const char *component;
        size_t n;

        while ((n = path_next_component(&path, &component)) > 0)
                if (n == 2 && strncmp(component, "..", 2) == 0)
                        return true;
        return false;
}

/* In place, since the result is never longer: "//a/./b/" becomes "/a/b". */
static void path_normalize(char *path) {
        const char *p = path, *component;
        char *d = path;
        size_t n;

        while ((n = path_next_component(&p, &component)) > 0) {
                if (n == 1 && component[0] == '.')
                        continue;
                *d++ = '/';
                memmove(d, component, n);
                d += n;
        }
        if (d == path)
                *d++ = '/';
        *d = 0;
}

/* Checks and normalizes one path of a mount spec; `what` names it in the message. */
static int check_mount_path(const struct option_source *src, const char *spec, const char *what,
                            char *path, bool is_target, const char *example) {
        const char *problem = NULL;
        char text[128];

        if (path[0] != '/')
                problem = "an absolute path";
        else if (path_has_dot_dot(path))
                problem = "a path without \"..\"";
        else {
                path_normalize(path);
                if (is_target && streq(path, "/"))
                        problem = "below \"/\", not the container's root itself";
        }
        if (!problem)
                return 0;
        snprintf(text, sizeof text, "the %s must be %s", what, problem);
        return log_bad_value(src, spec, text, example);
}

static bool word_is(const char *word, size_t n, const char *literal) {
        return n == strlen(literal) && strncmp(word, literal, n) == 0;
}

/* A comma list of rbind, norbind, idmap and noidmap; the last of each pair wins. */
static int parse_bind_flags(const struct option_source *src, const char *spec, const char *flags,
                            bool *recursive, bool *idmap) {
        if (!*flags)
                return 0;
        for (;;) {
                size_t n = strcspn(flags, ",");
                char problem[128];

                if (word_is(flags, n, "rbind"))
                        *recursive = true;
                else if (word_is(flags, n, "norbind"))
                        *recursive = false;
                else if (word_is(flags, n, "idmap"))
                        *idmap = true;
                else if (word_is(flags, n, "noidmap"))
                        *idmap = false;
                else {
                        snprintf(problem, sizeof problem, "unknown option \"%.*s\"; use rbind, norbind, "
                                 "idmap or noidmap", (int) n, flags);
                        return log_bad_value(src, spec, problem, BIND_EXAMPLE ":norbind");
                }
                if (!flags[n])
                        return 0;
                flags += n + 1;
        }
}

static struct custom_mount *mount_add(struct config *c) {
        struct custom_mount *m = reallocarray(c->mounts, c->n_mounts + 1, sizeof *m);

        if (!m)
                return NULL;
        c->mounts = m;
        m += c->n_mounts++;
        *m = (struct custom_mount) {};
        return m;
}

/* SRC[:DST[:OPTIONS]]; an empty DST means SRC, so that "SRC::norbind" needs no repetition. As
 * nspawn, a bind is ID-mapped only when asked (":idmap"): mapped, root in the container could
 * read what only the host's root may. */
static int parse_bind(struct config *c, enum custom_mount_type type, const char *spec,
                      const struct option_source *src) {
        _cleanup_free_ char *source = NULL, *target = NULL, *flags = NULL;
        const char *p = spec;
        struct custom_mount *m;
        bool recursive = true, idmap = false;
        int r;

        r = next_field(&p, &source);
        if (r >= 0 && p)
                r = next_field(&p, &target);
        if (r >= 0 && p)
                r = next_field(&p, &flags);
        if (r < 0)
                return r;
        if (p)
                return log_bad_value(src, spec, "too many ':'; write a ':' inside a path as \"\\:\"",
                                     BIND_EXAMPLE);

        r = check_mount_path(src, spec, "source", source, false, BIND_EXAMPLE);
        if (r < 0)
                return r;
        if (!target || !*target) {
                free(target);
                target = strdup(source);
                if (!target)
                        return -ENOMEM;
        }
        r = check_mount_path(src, spec, "destination", target, true, BIND_EXAMPLE);
        if (r >= 0 && flags)
                r = parse_bind_flags(src, spec, flags, &recursive, &idmap);
        if (r < 0)
                return r;

        m = mount_add(c);
        if (!m)
                return -ENOMEM;
        m->type = type;
        m->source = TAKE_PTR(source);
        m->target = TAKE_PTR(target);
        m->recursive = recursive;
        m->idmap = idmap;
        return 0;
}

int option_parse_bind(struct config *c, const char *value, const struct option_source *src) {
        return parse_bind(c, CUSTOM_MOUNT_BIND, value, src);
}

int option_parse_bind_ro(struct config *c, const char *value, const struct option_source *src) {
        return parse_bind(c, CUSTOM_MOUNT_BIND_READ_ONLY, value, src);
}

/* PATH[:OPTIONS]; the options go to the kernel as given, colons and all. */
int option_parse_tmpfs(struct config *c, const char *value, const struct option_source *src) {
        _cleanup_free_ char *target = NULL, *options = NULL;
        const char *p = value;
        struct custom_mount *m;
        int r;

        r = next_field(&p, &target);
        if (r < 0)
                return r;
        r = check_mount_path(src, value, "mount point", target, true, TMPFS_EXAMPLE);
        if (r < 0)
                return r;
        if (p && string_has_control_chars(p))
                return log_bad_value(src, value, "the options must not contain control characters",
                                     TMPFS_EXAMPLE);
        options = strdup(p && *p ? p : "mode=0755");
        if (!options)
                return -ENOMEM;

        m = mount_add(c);
        if (!m)
                return -ENOMEM;
        m->type = CUSTOM_MOUNT_TMPFS;
        m->target = TAKE_PTR(target);
        m->options = TAKE_PTR(options);
        return 0;
}
