/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/log.h"

static enum log_level max_level = LOG_LEVEL_INFO;

void log_set_max_level(enum log_level level) {
        max_level = level;
}

enum log_level log_get_max_level(void) {
        return max_level;
}

void log_parse_environment(void) {
        static const char *const names[] = {
                [LOG_LEVEL_ERROR] = "error",
                [LOG_LEVEL_WARNING] = "warning",
                [LOG_LEVEL_INFO] = "info",
                [LOG_LEVEL_DEBUG] = "debug",
        };
        const char *e = getenv("SYSCON_LOG_LEVEL");

        if (!e)
                return;
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (streq(e, names[i]))
                        max_level = (enum log_level) i;
}

/* Messages quote what users, profiles and trees gave: a control byte among it (an escape sequence
 * for the terminal) is shown as \xNN, never sent as it is. A newline is the message's own. */
static void write_escaped(FILE *f, const char *s) {
        for (; *s; s++) {
                unsigned char c = (unsigned char) *s;

                if ((c < ' ' && c != '\n') || c == 0x7f)
                        fprintf(f, "\\x%02x", c);
                else
                        fputc(c, f);
        }
}

int log_internal(enum log_level level, int error, const char *format, ...) {
        char buf[1024];
        va_list ap;

        if (level > max_level)
                return error;

        errno = error < 0 ? -error : error;
        va_start(ap, format);
        vsnprintf(buf, sizeof buf, format, ap);
        va_end(ap);
        fputs("syscon: ", stderr);
        write_escaped(stderr, buf);
        fputc('\n', stderr);
        return error;
}
