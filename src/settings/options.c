/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "basic/log.h"
#include "basic/strv.h"
#include "settings/option-parsers.h"
#include "settings/option-table.h"
#include "settings/options.h"
#include "settings/options-network.h"
#include "settings/options-security.h"

/* getopt's value for a long option: its index in option_table[] above every short option. */
#define LONG_OPTION_FIRST 0x100

/* getopt's view of the table. Every verb's options are in it, so that an option of another verb
 * gets a message of its own rather than "unknown option". */
struct getopt_table {
        struct option *longs;
        char *shorts;
};

static void getopt_table_done(struct getopt_table *t) {
        free(t->longs);
        free(t->shorts);
}

static bool short_listed(const char *shorts, char c) {
        for (; *shorts; shorts++)
                if (*shorts == c)
                        return true;
        return false;
}

static bool long_listed(const struct option *longs, size_t n, const char *name) {
        for (size_t i = 0; i < n; i++)
                if (streq(longs[i].name, name))
                        return true;
        return false;
}

/* '+' stops at the first positional, so that the command's own options are never ours. The ':'
 * after it silences getopt's own messages (POSIX; it does what opterr = 0 would) and returns a
 * missing value as ':' rather than '?', so that we can tell the two apart in our one message. An
 * option with one entry per verb is listed once. */
static int getopt_table_build(struct getopt_table *ret) {
        struct option *longs = calloc(option_table_size + 1, sizeof *longs);
        char *shorts = calloc(2 + 2 * option_table_size + 1, 1), *s = shorts;
        size_t n = 0;

        *ret = (struct getopt_table) { longs, shorts };
        if (!longs || !shorts)
                return -ENOMEM;
        *s++ = '+';
        *s++ = ':';
        for (size_t i = 0; i < option_table_size; i++) {
                const struct option_entry *e = option_table + i;
                int has_arg = e->argument == OPTION_ARGUMENT_REQUIRED ? required_argument : no_argument;

                if (e->short_name && !short_listed(shorts, e->short_name)) {
                        *s++ = e->short_name;
                        if (has_arg == required_argument)
                                *s++ = ':';
                }
                if (e->name && !long_listed(longs, n, e->name))
                        longs[n++] = (struct option) { e->name, has_arg, NULL, LONG_OPTION_FIRST + (int) i };
        }
        return 0;
}

/* The entry for getopt's value `val` (a short name, or a long option's), preferring the verb's. */
static const struct option_entry *entry_from_getopt(int val, enum verb verb) {
        if (val >= LONG_OPTION_FIRST)
                return option_lookup(option_table[val - LONG_OPTION_FIRST].name, 0, verb);
        return val > 0 ? option_lookup(NULL, (char) val, verb) : NULL;
}

/* getopt's own messages are off (see getopt_table_build()), so that each mistake is reported
 * once, here. */
static int log_getopt_error(enum verb verb, int opt, char *argv[]) {
        const char *v = verb_to_string(verb);
        const struct option_entry *e = entry_from_getopt(optopt, verb);
        char name[80];

        if (!e && optopt != 0 && optopt < LONG_OPTION_FIRST)
                log_error("Unknown option -%c; see \"syscon %s --help\".", optopt, v);
        else if (!e) /* an unknown long option, which getopt has stepped over */
                log_error("Unknown option %.*s; see \"syscon %s --help\".",
                          (int) strcspn(argv[optind - 1], "="), argv[optind - 1], v);
        else {
                if (!e->name)
                        snprintf(name, sizeof name, "-%c", e->short_name);
                else if (e->short_name)
                        snprintf(name, sizeof name, "-%c/--%s", e->short_name, e->name);
                else
                        snprintf(name, sizeof name, "--%s", e->name);
                log_error("Option %s %s; see \"syscon %s --help\".", name,
                          opt == ':' ? "needs a value" : "takes no value", v);
        }
        return -EINVAL;
}

/* An option of another verb: say whose it is. */
static int log_other_verb(const struct option_entry *e, enum verb verb) {
        char owners[64] = "", see[64];

        for (unsigned w = 0; OPTION_VERBS_ALL >> w; w++)
                if (option_applies(e, (enum verb) w))
                        snprintf(owners + strlen(owners), sizeof owners - strlen(owners), "%s\"syscon %s\"",
                                 owners[0] ? " and " : "", verb_to_string(w));
        snprintf(see, sizeof see, "see \"syscon %s --help\".", verb_to_string(verb));
        log_error("--%s%s is an option of %s; %s", e->name,
                  e->argument == OPTION_ARGUMENT_REQUIRED ? "=" : "", owners, e->elsewhere ?: see);
        return -EINVAL;
}

static int copy_command(struct config *c, char *argv[], size_t n) {
        _cleanup_(strv_freep) char **l = calloc(n + 1, sizeof(char *));

        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                l[i] = strdup(argv[i]);
                if (!l[i])
                        return -ENOMEM;
        }
        strv_free(c->argv);
        c->argv = TAKE_PTR(l);
        c->argc = n;
        return 0;
}

/* ROOTFS (unless -D named the tree), an optional "--", then the command. */
static int parse_positionals(struct config *c, enum verb verb, int argc, char *argv[]) {
        int i = optind, r;

        if (!c->rootfs) {
                if (i >= argc || !*argv[i]) {
                        log_error("Missing ROOTFS: give the directory of the container's tree, as in "
                                  "\"syscon %s /var/lib/machines/web\", or --directory=PATH.",
                                  verb_to_string(verb));
                        return -EINVAL;
                }
                r = option_set_string(&c->rootfs, argv[i++]);
                if (r < 0)
                        return r;
                if (i < argc && streq(argv[i], "--"))
                        i++;
        }
        return copy_command(c, argv + i, (size_t) (argc - i));
}

static int parse_argv(struct config *c, enum verb verb, int argc, char *argv[]) {
        _cleanup_(getopt_table_done) struct getopt_table t = {};
        int opt, r;

        r = getopt_table_build(&t);
        if (r < 0)
                return r;
        /* 0 rather than 1 makes glibc reinitialize, so that we can be called more than once. */
        optind = 0;
        while ((opt = getopt_long(argc, argv, t.shorts, t.longs, NULL)) >= 0) {
                const struct option_entry *e = entry_from_getopt(opt, verb);

                if (!e) /* '?' or ':' */
                        return log_getopt_error(verb, opt, argv);
                if (!option_applies(e, verb))
                        return log_other_verb(e, verb);
                r = e->parse(c, optarg, &(const struct option_source) { .key = e->name });
                if (r != 0)
                        return r;
        }
        r = network_options_verify(&c->network);
        if (r < 0)
                return r;
        return parse_positionals(c, verb, argc, argv);
}

int options_parse(enum verb verb, int argc, char *argv[], struct config *ret) {
        int r;

        ret->verb = verb;
        r = parse_argv(ret, verb, argc, argv);
        if (r == -ENOMEM)
                return log_error_errno(r, "Failed to parse the command line: %m");
        return r;
}

void config_done(struct config *c) {
        free(c->rootfs);
        free(c->machine);
        free(c->hostname);
        strv_free(c->setenv);
        free(c->working_directory);
        free(c->user);
        free(c->init);
        free(c->uuid);
        for (size_t i = 0; i < c->n_mounts; i++) {
                free(c->mounts[i].source);
                free(c->mounts[i].target);
                free(c->mounts[i].options);
        }
        free(c->mounts);
        network_config_done(&c->network);
        security_settings_done(&c->security);
        strv_free(c->argv);
        *c = (struct config) {};
}
