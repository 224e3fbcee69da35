/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/log.h"
#include "settings/merge.h"
#include "settings/option-table.h"
#include "settings/profile.h"

static int merge_host_environment(struct config *c) {
        for (size_t i = 0; i < c->n_setenv; i++) {
                const char *name = c->setenv[i], *value;
                char *entry;

                if (strchr(name, '='))
                        continue;
                value = getenv(name);
                if (!value) {
                        log_error("Invalid --setenv= value \"%s\": the host has no variable %s to copy; "
                                  "give a value, as in --setenv=%s=VALUE.", name, name, name);
                        return -EINVAL;
                }
                if (asprintf(&entry, "%s=%s", name, value) < 0)
                        return -ENOMEM;
                free(c->setenv[i]);
                c->setenv[i] = entry;
        }
        return 0;
}

/* A profile is named on the command line, by whoever may start the container: it is trusted. */
static int profile_setting(void *userdata, const char *key, const char *value, const char *file,
                           unsigned line) {
        return option_set_from_file(userdata, key, value, file, line, true);
}

/* The command line wins: what it adds the profile cannot drop and the other way round, its
 * --no-new-privileges= replaces the profile's, and its filter rules are applied after the
 * profile's (seccomp-filter.c tells them apart by from_profile). */
static int merge_security(struct security_settings *s, struct security_settings *p) {
        uint64_t add = s->capability_add, drop = s->capability_drop;
        struct syscall_rule *rules;

        if (p->n_syscall_rules > 0) {
                rules = reallocarray(s->syscall_rules, s->n_syscall_rules + p->n_syscall_rules, sizeof *rules);
                if (!rules)
                        return -ENOMEM;
                s->syscall_rules = rules;
                for (size_t i = 0; i < p->n_syscall_rules; i++) {
                        rules[s->n_syscall_rules] = p->syscall_rules[i];
                        rules[s->n_syscall_rules++].from_profile = true;
                }
                p->n_syscall_rules = 0;
        }

        s->capability_add = add | (p->capability_add & ~drop);
        s->capability_drop = drop | (p->capability_drop & ~add);
        if (!s->no_new_privileges_set) {
                s->no_new_privileges = p->no_new_privileges;
                s->no_new_privileges_set = p->no_new_privileges_set;
        }
        return 0;
}

/* The profile is parsed into a config of its own, then layered under the command line's. Only
 * security settings are taken from it: those are the option table's only entries a file may set. */
static int merge_profile(struct config *c) {
        _cleanup_(config_done) struct config p = { .verb = c->verb };
        int r;

        r = profile_load(c->security.profile, profile_dirs, profile_setting, &p);
        /* A profile that cannot be found or read is a bad --profile= value, already logged. */
        if (r < 0)
                return r == -ENOMEM ? r : -EINVAL;
        return merge_security(&c->security, &p.security);
}

int settings_merge(struct config *c) {
        int r;

        r = merge_host_environment(c);
        if (r >= 0 && c->security.profile)
                r = merge_profile(c);
        if (r == -ENOMEM)
                return log_error_errno(r, "Failed to merge the settings: %m");
        return r;
}
