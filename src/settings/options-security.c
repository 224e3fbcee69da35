/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

#include "basic/log.h"
#include "core/capability.h"
#include "core/seccomp-filter.h"
#include "settings/option-parsers.h"
#include "settings/options-security.h"

/* The security options, parsed the same way from the command line and from a profile; the source
 * decides how a mistake is reported ("--KEY=" or "FILE:LINE: KEY="). */

#define WORD_SEPARATORS " \t\n\r"

/* CAP_A,CAP_B,... or "all", into a bit mask. */
static int parse_capabilities(const struct option_source *src, const char *value, uint64_t *mask) {
        uint64_t set = 0;

        for (const char *p = value;;) {
                size_t n = strcspn(p, ",");
                char name[64];
                int cap;

                if (n == 0 || n >= sizeof name)
                        return log_bad_value(src, value, "give capability names separated by ',' "
                                             "(see capabilities(7)) or \"all\"", "CAP_NET_ADMIN,CAP_SYS_TIME");
                memcpy(name, p, n);
                name[n] = 0;
                if (streq(name, "all"))
                        set = UINT64_MAX;
                else {
                        cap = capability_from_name(name);
                        if (cap == -ENOMEM)
                                return cap;
                        if (cap < 0)
                                return log_bad_value(src, value, "unknown capability; names are "
                                                     "as in capabilities(7), with the CAP_ prefix",
                                                     "CAP_NET_ADMIN");
                        set |= CAPABILITY_BIT(cap);
                }
                if (!p[n])
                        break;
                p += n + 1;
        }
        *mask |= set;
        return 0;
}

static int parse_boolean(const char *value) {
        static const char *const yes[] = { "yes", "true", "on", "1" }, *const no[] = { "no", "false", "off", "0" };

        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcasecmp(value, yes[i]) == 0)
                        return 1;
                if (strcasecmp(value, no[i]) == 0)
                        return 0;
        }
        return -EINVAL;
}

int option_parse_capability(struct config *c, const char *value, const struct option_source *src) {
        return parse_capabilities(src, value, &c->security.capability_add);
}

int option_parse_drop_capability(struct config *c, const char *value, const struct option_source *src) {
        return parse_capabilities(src, value, &c->security.capability_drop);
}

int option_parse_no_new_privileges(struct config *c, const char *value, const struct option_source *src) {
        int b = parse_boolean(value);

        if (b < 0)
                return log_bad_value(src, value, "use yes or no", "yes");
        c->security.no_new_privileges = b;
        c->security.no_new_privileges_set = true;
        return 0;
}

static int rule_add(struct security_settings *s, const char *name, size_t n, bool deny) {
        struct syscall_rule *rules = reallocarray(s->syscall_rules, s->n_syscall_rules + 1, sizeof *rules);
        char *copy;

        if (!rules)
                return -ENOMEM;
        s->syscall_rules = rules;
        copy = strndup(name, n);
        if (!copy)
                return -ENOMEM;
        rules[s->n_syscall_rules++] = (struct syscall_rule) {
                .name = copy,
                .deny = deny,
        };
        return 0;
}

/* As nspawn: NAME or @GROUP words separated by spaces, all denied if the list starts with '~'. */
int option_parse_system_call_filter(struct config *c, const char *value, const struct option_source *src) {
        bool deny = value[0] == '~';
        const char *p = value + deny;
        size_t n_words = 0;
        int r;

        for (;;) {
                size_t n;
                char word[64];

                p += strspn(p, WORD_SEPARATORS);
                n = strcspn(p, WORD_SEPARATORS);
                if (n == 0)
                        break;
                snprintf(word, sizeof word, "%.*s", (int) n, p);
                if (n >= sizeof word || !seccomp_filter_name_is_valid(word)) {
                        char problem[384];

                        snprintf(problem, sizeof problem, "\"%.*s\" is neither a system call nor one of "
                                 "the groups %s", (int) n, p, seccomp_filter_group_list());
                        return log_bad_value(src, value, problem, "~@clock ptrace");
                }
                r = rule_add(&c->security, p, n, deny);
                if (r < 0)
                        return r;
                p += n;
                n_words++;
        }
        if (n_words == 0)
                return log_bad_value(src, value, "give system call names or @groups, the list "
                                     "prefixed with '~' to deny them", "~@clock ptrace");
        return 0;
}

int option_parse_profile(struct config *c, const char *value, const struct option_source *src) {
        if (!*value)
                return log_bad_value(src, value, "give a profile name or path", "strict");
        return option_set_string(&c->security.profile, value);
}

void security_settings_done(struct security_settings *s) {
        for (size_t i = 0; i < s->n_syscall_rules; i++)
                free(s->syscall_rules[i].name);
        free(s->syscall_rules);
        free(s->profile);
        *s = (struct security_settings) {};
}

uint64_t security_capabilities(const struct config *c) {
        uint64_t set = capability_default_set();

        /* As nspawn: administering a network namespace of its own is the container's business;
         * with the host's network, CAP_NET_ADMIN would be the host's routes and firewall. */
        if (network_config_is_private(&c->network))
                set |= CAPABILITY_BIT(CAP_NET_ADMIN);
        return (set | c->security.capability_add) & ~c->security.capability_drop;
}

struct seccomp_rules security_seccomp_rules(const struct config *c) {
        return (struct seccomp_rules) {
                .rules = c->security.syscall_rules,
                .n_rules = c->security.n_syscall_rules,
                .capabilities = security_capabilities(c),
        };
}
