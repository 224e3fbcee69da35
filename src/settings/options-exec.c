/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "basic/signal-name.h"
#include "basic/strv.h"
#include "settings/option-parsers.h"

/* What runs inside: its environment, user and working directory, the init a boot starts, and the
 * signal that stops it. */

#define ENV_NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"

/* NAME=VALUE, or NAME alone, kept as it is: settings_merge() copies the host's value, since
 * parsing reads no environment. */
int option_parse_setenv(struct config *c, const char *value, const struct option_source *src) {
        size_t n = strcspn(value, "=");
        _cleanup_free_ char *entry = NULL;

        if (n == 0 || strspn(value, ENV_NAME_CHARS) != n || (value[0] >= '0' && value[0] <= '9'))
                return log_bad_value(src, value, "the name must be letters, digits and '_', not starting "
                                     "with a digit", "LANG=C.UTF-8");
        entry = strdup(value);
        if (!entry)
                return -ENOMEM;
        return strv_push(&c->setenv, &c->n_setenv, &entry);
}

int option_parse_chdir(struct config *c, const char *value, const struct option_source *src) {
        if (value[0] != '/')
                return log_bad_value(src, value, "the working directory must be an absolute path", "/srv");
        return option_set_string(&c->working_directory, value);
}

/* The name is looked up in the tree's passwd later; here we reject what no passwd line can hold. */
int option_parse_user(struct config *c, const char *value, const struct option_source *src) {
        if (!*value || strpbrk(value, ":/ ") || string_has_control_chars(value))
                return log_bad_value(src, value, "give a user name or UID without ':', '/', spaces or "
                                     "control characters", "daemon");
        return option_set_string(&c->user, value);
}

int option_parse_kill_signal(struct config *c, const char *value, const struct option_source *src) {
        int sig = signal_from_string(value);

        if (sig < 0)
                return log_bad_value(src, value, "give a signal name or number", "SIGRTMIN+3");
        c->kill_signal = sig;
        return 0;
}

int option_parse_init(struct config *c, const char *value, const struct option_source *src) {
        if (value[0] != '/')
                return log_bad_value(src, value, "give the absolute path of the init inside the tree",
                                     "/sbin/init");
        return option_set_string(&c->init, value);
}
