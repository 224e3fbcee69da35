/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

#include "core/capability.h"
#include "basic/log.h"
#include "settings/options-security.h"
#include "settings/profile.h"
#include "core/seccomp-filter.h"

/* The security options, parsed the same way from the command line and from a profile. Where a
 * value came from decides how a mistake is reported: "--KEY=" or "FILE:LINE: KEY=". */

#define WORD_SEPARATORS " \t\n\r"

struct source {
        const char *file; /* NULL: the command line */
        unsigned line;
        bool profile;     /* rules are marked as the profile's, so the command line can win */
};

static const struct source command_line = {};

static int log_bad_value(const struct source *src, const char *key, const char *value,
                         const char *problem, const char *example) {
        if (src->file)
                log_error("%s:%u: invalid %s= value \"%s\": %s, as in %s=%s.", src->file, src->line,
                          key, value, problem, key, example);
        else
                log_error("Invalid --%s= value \"%s\": %s, as in --%s=%s.", key, value, problem, key,
                          example);
        return -EINVAL;
}

/* CAP_A,CAP_B,... or "all", into a bit mask. */
static int parse_capabilities(const struct source *src, const char *key, const char *value,
                              uint64_t *mask) {
        uint64_t set = 0;

        for (const char *p = value;;) {
                size_t n = strcspn(p, ",");
                char name[64];
                int cap;

                if (n == 0 || n >= sizeof name)
                        return log_bad_value(src, key, value, "give capability names separated by ',' "
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
                                return log_bad_value(src, key, value, "unknown capability; names are "
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

static int parse_no_new_privileges(struct security_settings *s, const struct source *src,
                                   const char *key, const char *value) {
        int b = parse_boolean(value);

        if (b < 0)
                return log_bad_value(src, key, value, "use yes or no", "yes");
        s->no_new_privileges = b;
        s->no_new_privileges_set = true;
        return 0;
}

static int rule_add(struct security_settings *s, const char *name, size_t n, bool deny, bool from_profile) {
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
                .from_profile = from_profile,
        };
        return 0;
}

/* As nspawn: NAME or @GROUP words separated by spaces, all denied if the list starts with '~'. */
static int parse_system_call_filter(struct security_settings *s, const struct source *src,
                                    const char *key, const char *value) {
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
                        return log_bad_value(src, key, value, problem, "~@clock ptrace");
                }
                r = rule_add(s, p, n, deny, src->profile);
                if (r < 0)
                        return r;
                p += n;
                n_words++;
        }
        if (n_words == 0)
                return log_bad_value(src, key, value, "give system call names or @groups, the list "
                                     "prefixed with '~' to deny them", "~@clock ptrace");
        return 0;
}

/* The settings a profile may hold; every one is also an option. */
static int parse_setting(struct security_settings *s, const struct source *src, const char *key,
                         const char *value) {
        if (streq(key, "capability"))
                return parse_capabilities(src, key, value, &s->capability_add);
        if (streq(key, "drop-capability"))
                return parse_capabilities(src, key, value, &s->capability_drop);
        if (streq(key, "no-new-privileges"))
                return parse_no_new_privileges(s, src, key, value);
        if (streq(key, "system-call-filter"))
                return parse_system_call_filter(s, src, key, value);
        log_error("%s:%u: unknown setting \"%s\"; a profile may set capability, drop-capability, "
                  "no-new-privileges and system-call-filter.", src->file ?: "command line", src->line, key);
        return -EINVAL;
}

static int profile_setting(void *userdata, const char *key, const char *value, const char *file,
                           unsigned line) {
        const struct source src = { .file = file, .line = line, .profile = true };

        return parse_setting(userdata, &src, key, value);
}

int options_security_parse(struct config *c, int opt, const char *arg) {
        static const char *const keys[] = {
                [ARG_CAPABILITY - ARG_SECURITY_FIRST] = "capability",
                [ARG_DROP_CAPABILITY - ARG_SECURITY_FIRST] = "drop-capability",
                [ARG_NO_NEW_PRIVILEGES - ARG_SECURITY_FIRST] = "no-new-privileges",
                [ARG_SYSTEM_CALL_FILTER - ARG_SECURITY_FIRST] = "system-call-filter",
        };
        char *copy;

        if (opt == ARG_PROFILE) {
                if (!*arg)
                        return log_bad_value(&command_line, "profile", arg, "give a profile name or "
                                             "path", "strict");
                copy = strdup(arg);
                if (!copy)
                        return -ENOMEM;
                free(c->security.profile);
                c->security.profile = copy;
                return 0;
        }
        return parse_setting(&c->security, &command_line, keys[opt - ARG_SECURITY_FIRST], arg);
}

/* The command line wins: what it adds the profile cannot drop and the other way round, its
 * --no-new-privileges= replaces the profile's, and its filter rules are applied after the
 * profile's (seccomp-filter.c). */
static int merge_profile(struct security_settings *s, struct security_settings *p) {
        uint64_t add = s->capability_add, drop = s->capability_drop;
        struct syscall_rule *rules;

        if (p->n_syscall_rules > 0) {
                rules = reallocarray(s->syscall_rules, s->n_syscall_rules + p->n_syscall_rules, sizeof *rules);
                if (!rules)
                        return -ENOMEM;
                s->syscall_rules = rules;
                memcpy(rules + s->n_syscall_rules, p->syscall_rules, p->n_syscall_rules * sizeof *rules);
                s->n_syscall_rules += p->n_syscall_rules;
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

int options_security_finish(struct config *c) {
        struct security_settings p = {};
        int r;

        if (!c->security.profile)
                return 0;
        r = profile_load(c->security.profile, profile_dirs, profile_setting, &p);
        /* A profile that cannot be found or read is a bad --profile= value, already logged. */
        if (r < 0 && r != -ENOMEM)
                r = -EINVAL;
        if (r >= 0)
                r = merge_profile(&c->security, &p);
        security_settings_done(&p);
        return r;
}

void options_security_help(void) {
        printf("     --capability=CAP[,CAP...]|all\n"
               "                             Keep these capabilities too (default: nspawn's set)\n"
               "     --drop-capability=CAP[,CAP...]|all\n"
               "                             Drop these capabilities\n"
               "     --no-new-privileges=yes|no\n"
               "                             No privileges gained by execve() (setuid, file caps)\n"
               "     --system-call-filter=[~]NAME|@GROUP ...\n"
               "                             Allow, or with '~' deny (EPERM), these system calls\n"
               "     --profile=NAME|PATH     Security settings from a profile (default, strict,\n"
               "                             trusted); options given here override it\n");
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
