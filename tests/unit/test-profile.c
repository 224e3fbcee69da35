/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>
#include <cmocka.h>

#include "capture.h"
#include "tmpdir.h"
#include "core/capability.h"
#include "settings/merge.h"
#include "settings/option-table.h"
#include "settings/options.h"

/* Which keys a profile may set: exactly the option table's entries marked from_file, and of
 * those marked trusted_only only from a trusted file. */

static char *write_profile(const char *dir, const char *text) {
        char *path = path_join(dir, "p.conf");
        FILE *f = fopen(path, "we");

        assert_non_null(f);
        assert_true(fputs(text, f) >= 0);
        assert_int_equal(fclose(f), 0);
        return path;
}

/* Parses "VERB --profile=PATH /tree", merges, and returns the merge's result and what it logged. */
static char *merge_capturing(enum verb verb, const char *path, int *ret) {
        struct config c = {};
        struct capture cap;
        char *arg;

        assert_true(asprintf(&arg, "--profile=%s", path) > 0);
        assert_int_equal(options_parse(verb, 3, (char *[]) { (char *) verb_to_string(verb), arg, "/tree", NULL },
                                       &c), 0);
        capture_start(&cap, STDERR_FILENO);
        *ret = settings_merge(&c);
        config_done(&c);
        free(arg);
        return capture_stop(&cap);
}

/* Every option that is not marked from_file, with a valid value, is refused on the line it is on. */
static void test_not_from_file(void **state) {
        char *dir = tmpdir_new();
        size_t refused = 0;

        for (size_t i = 0; i < option_table_size; i++) {
                const struct option_entry *e = option_table + i;
                char *text, *path, *log, *want;
                int r;

                if (!e->name || e->from_file)
                        continue;
                assert_true(asprintf(&text, "# a comment\n%s=/x\n", e->name) > 0);
                path = write_profile(dir, text);
                log = merge_capturing(VERB_BOOT, path, &r);
                assert_true(asprintf(&want, "syscon: %s:2: unknown setting \"%s\"; a profile may set capability, "
                                     "drop-capability, no-new-privileges and system-call-filter.\n", path,
                                     e->name) > 0);
                assert_int_equal(r, -EINVAL);
                assert_string_equal(log, want);
                refused++;
                free(want);
                free(log);
                free(path);
                free(text);
        }
        /* help, directory, machine, ... profile: everything but the four security settings */
        assert_true(refused > 25);
        tmpdir_free(dir);
}

/* The keys a profile may set, each taking effect. */
static void test_from_file(void **state) {
        char *dir = tmpdir_new();
        char *path = write_profile(dir, "capability=CAP_SYS_TIME\ndrop-capability=CAP_MKNOD\n"
                                   "no-new-privileges=yes\nsystem-call-filter=~@clock\n"), *arg;
        struct config c = {};

        assert_true(asprintf(&arg, "--profile=%s", path) > 0);
        assert_int_equal(options_parse(VERB_RUN, 3, (char *[]) { "run", arg, "/tree", NULL }, &c), 0);
        assert_int_equal(settings_merge(&c), 0);
        assert_int_equal(c.security.capability_add, CAPABILITY_BIT(CAP_SYS_TIME));
        assert_int_equal(c.security.capability_drop, CAPABILITY_BIT(CAP_MKNOD));
        assert_true(c.security.no_new_privileges);
        assert_int_equal(c.security.n_syscall_rules, 1);
        assert_string_equal(c.security.syscall_rules[0].name, "@clock");
        assert_true(c.security.syscall_rules[0].from_profile);
        config_done(&c);
        free(arg);
        free(path);
        tmpdir_free(dir);
}

/* One key from the file /x/web.conf; returns what was logged. */
static char *set_capturing(struct config *c, const char *key, const char *value, unsigned line, bool trusted,
                           int *ret) {
        struct capture cap;

        capture_start(&cap, STDERR_FILENO);
        *ret = option_set_from_file(c, key, value, "/x/web.conf", line, trusted);
        fputs("end", stderr);
        return capture_stop(&cap);
}

/* As nspawn: a file that is not trusted may drop capabilities but not add them. */
static void test_untrusted(void **state) {
        struct config c = { .verb = VERB_RUN };
        char *log;
        int r;

        log = set_capturing(&c, "capability", "CAP_SYS_ADMIN", 7, false, &r);
        assert_int_equal(r, -EINVAL);
        assert_string_equal(log, "syscon: /x/web.conf:7: refusing capability= from a file that is not trusted; "
                            "give --capability= on the command line or put it in a trusted file.\nend");
        assert_int_equal(c.security.capability_add, 0);
        free(log);

        log = set_capturing(&c, "drop-capability", "CAP_SYS_ADMIN", 8, false, &r);
        assert_int_equal(r, 0);
        assert_string_equal(log, "end");
        assert_int_equal(c.security.capability_drop, CAPABILITY_BIT(CAP_SYS_ADMIN));
        free(log);
        config_done(&c);
}

/* A bad value from a file names FILE:LINE and the key, not the option. */
static void test_bad_value_from_file(void **state) {
        struct config c = { .verb = VERB_RUN };
        char *log;
        int r;

        log = set_capturing(&c, "drop-capability", "CAP_NOPE", 3, true, &r);
        assert_int_equal(r, -EINVAL);
        assert_string_equal(log, "syscon: /x/web.conf:3: invalid drop-capability= value \"CAP_NOPE\": unknown "
                            "capability; names are as in capabilities(7), with the CAP_ prefix, as in "
                            "drop-capability=CAP_NET_ADMIN.\nend");
        free(log);
        config_done(&c);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_not_from_file),
                cmocka_unit_test(test_from_file),
                cmocka_unit_test(test_untrusted),
                cmocka_unit_test(test_bad_value_from_file),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
