/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <string.h>

#include "basic/name.h"
#include "core/cgroup-properties.h"
#include "core/userns-range.h"
#include "settings/option-parsers.h"
#include "settings/options.h"

/* The container itself: its tree, names and IDs, its console and its resource limits. */

#define NAME_RULES "use 1..64 letters, digits, '-' and '.', with no part starting or ending in '-'"

static const char *const console_modes[] = {
        [CONSOLE_INTERACTIVE] = "interactive",
        [CONSOLE_READ_ONLY] = "read-only",
        [CONSOLE_PASSIVE] = "passive",
        [CONSOLE_PIPE] = "pipe",
};

static const char *const ownership_modes[] = {
        [PRIVATE_USERS_OWNERSHIP_AUTO] = "auto",
        [PRIVATE_USERS_OWNERSHIP_MAP] = "map",
        [PRIVATE_USERS_OWNERSHIP_CHOWN] = "chown",
        [PRIVATE_USERS_OWNERSHIP_OFF] = "off",
};

/* The index of `word` in a table of names, or -EINVAL. */
static int word_lookup(const char *const *table, size_t n, const char *word) {
        for (size_t i = 0; i < n; i++)
                if (table[i] && streq(table[i], word))
                        return (int) i;
        return -EINVAL;
}

int option_parse_help(struct config *c, const char *value, const struct option_source *src) {
        options_help(c->verb);
        return 1;
}

int option_parse_directory(struct config *c, const char *value, const struct option_source *src) {
        if (!*value)
                return log_bad_value(src, value, "give the path of the container's tree",
                                     "/var/lib/machines/web");
        return option_set_string(&c->rootfs, value);
}

int option_parse_machine(struct config *c, const char *value, const struct option_source *src) {
        if (!machine_name_is_valid(value))
                return log_bad_value(src, value, NAME_RULES, "web-1");
        return option_set_string(&c->machine, value);
}

int option_parse_hostname(struct config *c, const char *value, const struct option_source *src) {
        if (!hostname_is_valid(value))
                return log_bad_value(src, value, NAME_RULES, "web.example.com");
        return option_set_string(&c->hostname, value);
}

int option_parse_uuid(struct config *c, const char *value, const struct option_source *src) {
        static const char pattern[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
        char uuid[sizeof pattern];
        size_t i;

        for (i = 0; value[i] && i < sizeof pattern - 1; i++) {
                bool hex = isxdigit((unsigned char) value[i]);
                if (pattern[i] == 'x' ? !hex : value[i] != '-')
                        break;
                uuid[i] = (char) tolower((unsigned char) value[i]);
        }
        if (i != sizeof pattern - 1 || value[i] || strspn(value, "0-") == sizeof pattern - 1)
                return log_bad_value(src, value, "give a non-zero UUID of 32 hexadecimal digits in the "
                                     "8-4-4-4-12 form", "0f3b5c2a-6d1e-4f7a-9b8c-2e4d6f8a0b1c");
        uuid[i] = 0;
        return option_set_string(&c->uuid, uuid);
}

int option_parse_read_only(struct config *c, const char *value, const struct option_source *src) {
        c->read_only = true;
        return 0;
}

int option_parse_private_users(struct config *c, const char *value, const struct option_source *src) {
        const char *problem;

        if (private_users_parse(value, &c->private_users, &problem) < 0)
                return log_bad_value(src, value, problem, "1879048192:65536");
        return 0;
}

int option_parse_private_users_pick(struct config *c, const char *value, const struct option_source *src) {
        c->private_users = (struct private_users) { .mode = PRIVATE_USERS_PICK };
        return 0;
}

int option_parse_private_users_ownership(struct config *c, const char *value,
                                         const struct option_source *src) {
        int i = word_lookup(ownership_modes, ELEMENTSOF(ownership_modes), value);

        if (i < 0)
                return log_bad_value(src, value, "use auto, map, chown or off", "chown");
        c->private_users_ownership = (enum private_users_ownership) i;
        return 0;
}

int option_parse_console(struct config *c, const char *value, const struct option_source *src) {
        int i = word_lookup(console_modes, ELEMENTSOF(console_modes), value);

        if (i < 0)
                return log_bad_value(src, value, "use interactive, read-only, passive or pipe", "read-only");
        c->console = (enum console_mode) i;
        return 0;
}

int option_parse_pipe(struct config *c, const char *value, const struct option_source *src) {
        c->console = CONSOLE_PIPE;
        return 0;
}

int option_parse_quiet(struct config *c, const char *value, const struct option_source *src) {
        c->quiet = true;
        return 0;
}

/* cgroup_property_parse() names --property= in its messages itself. */
int option_parse_property(struct config *c, const char *value, const struct option_source *src) {
        return cgroup_property_parse(&c->properties, value);
}
