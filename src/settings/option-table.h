/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "settings/config.h"

/* The one table of syscon's options. getopt's long options and short string, each verb's --help
 * and the keys a profile may set are all made from it; a new option is one entry here and one
 * parser. */

/* Where a value came from, so that a bad one is reported where the user wrote it: "--KEY=" on the
 * command line, "FILE:LINE: KEY=" in a file. */
struct option_source {
        const char *file; /* NULL: the command line */
        unsigned line;
        const char *key;  /* the option's long name */
};

/* Parses one value into `c` (NULL for an option without one). Logs a bad value once, naming the
 * option (or FILE:LINE and the key), the value and the fix, and returns -EINVAL. Returns 1 to end
 * the parsing without an error (--help), else 0 or -ENOMEM. */
typedef int (*option_parser)(struct config *c, const char *value, const struct option_source *src);

enum option_argument {
        OPTION_ARGUMENT_NONE,
        OPTION_ARGUMENT_REQUIRED,
};

#define OPTION_VERB(verb) (1u << (verb))
#define OPTION_VERBS_ALL (OPTION_VERB(VERB_RUN) | OPTION_VERB(VERB_BOOT))

struct option_entry {
        const char *name;       /* long name without "--", or NULL for a short option only */
        char short_name;        /* or 0 */
        enum option_argument argument;
        unsigned verbs;         /* OPTION_VERB() of each verb that takes it */
        option_parser parse;
        const char *help_value; /* what --help shows after "=", as PATH in --chdir=PATH */
        const char *help;       /* --help's description; each '\n' starts an indented line */
        const char *elsewhere;  /* to a verb that does not take it: why not (default: "see --help") */
        bool from_file;         /* a profile (later a settings file) may set it */
        bool trusted_only;      /* ... but only a trusted one */
};

/* An option whose help differs by verb has one entry per verb, with the same names and parser. */
extern const struct option_entry option_table[];
extern const size_t option_table_size;

const char *verb_to_string(enum verb verb);

static inline bool option_applies(const struct option_entry *e, enum verb verb) {
        return e->verbs & OPTION_VERB(verb);
}

/* The entry named `name` (or, with `name` NULL, with the short name `short_name`) that `verb`
 * takes; failing that, one of another verb (check option_applies()); NULL for no such option. */
const struct option_entry *option_lookup(const char *name, char short_name, enum verb verb);

/* Sets `key` from a file, as a profile: only the entries marked from_file, and of those marked
 * trusted_only only when `trusted`. Logs "FILE:LINE: ..." once and returns -EINVAL otherwise. */
int option_set_from_file(struct config *c, const char *key, const char *value, const char *file,
                         unsigned line, bool trusted);

/* Logs "Invalid --KEY= value "VALUE": PROBLEM, as in --KEY=EXAMPLE." (from a file: "FILE:LINE:
 * invalid KEY= value ..., as in KEY=EXAMPLE.") and returns -EINVAL. */
int log_bad_value(const struct option_source *src, const char *value, const char *problem,
                  const char *example);
