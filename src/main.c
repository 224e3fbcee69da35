/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "basic/exit-status.h"
#include "basic/log.h"
#include "settings/merge.h"
#include "settings/options.h"
#include "verbs/boot.h"
#include "verbs/run.h"

#define USAGE_COLUMN 20

/* A verb either starts a container from its options (parsed, then merged, into a config) or does
 * something else with the words after it. */
struct verb_entry {
        const char *name;
        bool takes_options;
        enum verb verb;                       /* with options: whose (options_parse()) */
        int (*start)(const struct config *c); /* with options */
        int (*call)(char *argv[]);            /* without: argv[0] is the verb */
        const char *usage;                    /* without: its line in `syscon --help`, or NULL */
        const char *help;                     /* one line in `syscon --help`, or NULL */
};

static int show_usage(char *argv[]);
static int show_help(char *argv[]);
static int show_version(char *argv[]);

static const struct verb_entry verbs[] = {
        { .name = "run", .takes_options = true, .verb = VERB_RUN, .start = verb_run,
          .help = "Run one command in the tree, with syscon-init as PID 1" },
        { .name = "boot", .takes_options = true, .verb = VERB_BOOT, .start = verb_boot,
          .help = "Boot the tree's own init as PID 1" },
        { .name = "help", .call = show_help, .usage = "syscon help VERB", .help = "Show a verb's options" },
        { .name = "--version", .call = show_version, .usage = "syscon --version" },
        { .name = "--help", .call = show_usage },
        { .name = "-h", .call = show_usage },
};

static const struct verb_entry *verb_find(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(verbs[i].name, name))
                        return verbs + i;
        return NULL;
}

static int show_usage(char *argv[]) {
        printf("syscon: system containers.\n\n");
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++) {
                const struct verb_entry *v = verbs + i;
                const char *usage = v->takes_options ? options_synopsis(v->verb) : v->usage;

                if (!usage)
                        continue;
                if (!v->help)
                        printf("  %s\n", usage);
                else if (strlen(usage) + 2 < USAGE_COLUMN)
                        printf("  %-*s%s\n", USAGE_COLUMN - 2, usage, v->help);
                else
                        printf("  %s\n%*s%s\n", usage, USAGE_COLUMN, "", v->help);
        }
        return 0;
}

/* `syscon help VERB`: the verb's options; anything else, the list of verbs. */
static int show_help(char *argv[]) {
        const struct verb_entry *v = argv[1] ? verb_find(argv[1]) : NULL;

        if (!v || !v->takes_options)
                return show_usage(argv);
        options_help(v->verb);
        return 0;
}

static int show_version(char *argv[]) {
        printf("syscon %s\n", SYSCON_VERSION);
        return 0;
}

static int start(const struct verb_entry *v, int argc, char *argv[]) {
        _cleanup_(config_done) struct config config = {};
        int r;

        r = options_parse(v->verb, argc, argv, &config);
        if (r < 0)
                return EXIT_LAUNCHER_ERROR;
        if (r > 0)
                return 0;
        r = settings_merge(&config);
        if (r < 0)
                return EXIT_LAUNCHER_ERROR;
        if (config.quiet)
                log_set_max_level(LOG_LEVEL_WARNING);
        log_parse_environment();
        return v->start(&config);
}

int main(int argc, char *argv[]) {
        const struct verb_entry *v = verb_find(argc > 1 ? argv[1] : "--help");

        if (!v) {
                log_error("Unknown verb %s; see \"syscon --help\".", argv[1]);
                return EXIT_LAUNCHER_ERROR;
        }
        if (v->takes_options)
                return start(v, argc - 1, argv + 1);
        return v->call(argv + 1);
}
