/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "basic/exit-status.h"
#include "basic/log.h"
#include "settings/options.h"
#include "verbs/boot.h"
#include "verbs/run.h"

static void usage(void) {
        printf("syscon: system containers.\n\n"
               "  syscon run [OPTIONS] ROOTFS [--] [COMMAND [ARGS...]]\n"
               "                    Run one command in the tree, with syscon-init as PID 1\n"
               "  syscon boot [OPTIONS] ROOTFS [--] [INIT-ARGS...]\n"
               "                    Boot the tree's own init as PID 1\n"
               "  syscon help VERB  Show a verb's options\n"
               "  syscon --version\n");
}

static int dispatch(int argc, char *argv[]) {
        _cleanup_(config_done) struct config config = {};
        const char *verb = argv[1];
        int r;

        if (!verb || streq(verb, "-h") || streq(verb, "--help") || streq(verb, "help")) {
                if (verb && streq(verb, "help") && argv[2] && streq(argv[2], "run"))
                        options_help(VERB_RUN);
                else if (verb && streq(verb, "help") && argv[2] && streq(argv[2], "boot"))
                        options_help(VERB_BOOT);
                else
                        usage();
                return 0;
        }
        if (streq(verb, "--version")) {
                printf("syscon %s\n", SYSCON_VERSION);
                return 0;
        }
        enum verb v;
        if (streq(verb, "run"))
                v = VERB_RUN;
        else if (streq(verb, "boot"))
                v = VERB_BOOT;
        else {
                log_error("Unknown verb %s; see \"syscon --help\".", verb);
                return EXIT_LAUNCHER_ERROR;
        }

        r = options_parse(v, argc - 1, argv + 1, &config);
        if (r < 0)
                return EXIT_LAUNCHER_ERROR;
        if (r > 0)
                return 0;
        if (config.quiet)
                log_set_max_level(LOG_LEVEL_WARNING);
        log_parse_environment();
        return v == VERB_BOOT ? verb_boot(&config) : verb_run(&config);
}

int main(int argc, char *argv[]) {
        return dispatch(argc, argv);
}
