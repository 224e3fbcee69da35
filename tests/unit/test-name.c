/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "basic/macro.h"
#include "basic/name.h"

/* A name of `n` bytes made of labels of `label` bytes joined by dots. */
static char *make_name(size_t n, size_t label) {
        char *s = malloc(n + 1);

        assert_non_null(s);
        for (size_t i = 0; i < n; i++)
                s[i] = (i + 1) % (label + 1) == 0 ? '.' : 'a';
        s[n] = 0;
        return s;
}

static void test_hostname_valid(void **state) {
        _cleanup_free_ char *longest = make_name(64, 62);
        _cleanup_free_ char *label63 = make_name(63, 63);

        assert_true(hostname_is_valid("a"));
        assert_true(hostname_is_valid("web"));
        assert_true(hostname_is_valid("Web-1"));
        assert_true(hostname_is_valid("0"));
        assert_true(hostname_is_valid("9front"));
        assert_true(hostname_is_valid("a-b-c"));
        assert_true(hostname_is_valid("web.example.com"));
        assert_true(hostname_is_valid("a.b.c.d"));
        assert_true(hostname_is_valid(label63));
        assert_int_equal(strlen(longest), 64);
        assert_int_equal(longest[62], '.');
        assert_true(hostname_is_valid(longest));
}

static void test_hostname_invalid(void **state) {
        _cleanup_free_ char *too_long = make_name(65, 10);
        _cleanup_free_ char *label64 = make_name(64, 64);

        assert_int_equal(strlen(too_long), 65);
        assert_false(hostname_is_valid(too_long));
        assert_false(hostname_is_valid(label64));
        assert_false(hostname_is_valid(""));
        assert_false(hostname_is_valid("."));
        assert_false(hostname_is_valid(".."));
        assert_false(hostname_is_valid("-web"));
        assert_false(hostname_is_valid("web-"));
        assert_false(hostname_is_valid("a.-b"));
        assert_false(hostname_is_valid("a-.b"));
        assert_false(hostname_is_valid("web."));
        assert_false(hostname_is_valid(".web"));
        assert_false(hostname_is_valid("a..b"));
        assert_false(hostname_is_valid("we_b"));
        assert_false(hostname_is_valid("we b"));
        assert_false(hostname_is_valid("a/b"));
        assert_false(hostname_is_valid("caf\xc3\xa9"));
        assert_false(hostname_is_valid("web\n"));
}

static void test_machine_name(void **state) {
        _cleanup_free_ char *too_long = make_name(65, 63);

        assert_true(machine_name_is_valid("web-1"));
        assert_true(machine_name_is_valid("db.prod"));
        assert_false(machine_name_is_valid(too_long));
        assert_false(machine_name_is_valid(""));
        assert_false(machine_name_is_valid("-web"));
        assert_false(machine_name_is_valid("web-"));
        assert_false(machine_name_is_valid(".."));
        assert_false(machine_name_is_valid("a/b"));
}

static void check_from_path(const char *path, const char *expected) {
        char *name = NULL;

        assert_int_equal(machine_name_from_path(path, &name), 0);
        assert_string_equal(name, expected);
        free(name);
}

static void check_from_path_fails(const char *path) {
        char *name = NULL;

        assert_int_equal(machine_name_from_path(path, &name), -EINVAL);
        assert_null(name);
}

static void test_machine_name_from_path(void **state) {
        check_from_path("/var/lib/machines/web", "web");
        check_from_path("/var/lib/machines/web/", "web");
        check_from_path("/var/lib/machines/web///", "web");
        check_from_path("web", "web");
        check_from_path("./trees/db.prod", "db.prod");
        check_from_path("//srv//a-1", "a-1");

        check_from_path_fails("/");
        check_from_path_fails("///");
        check_from_path_fails("");
        check_from_path_fails("/srv/.");
        check_from_path_fails("/srv/..");
        check_from_path_fails("/srv/my_tree");
        check_from_path_fails("/srv/-tree");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hostname_valid),
                cmocka_unit_test(test_hostname_invalid),
                cmocka_unit_test(test_machine_name),
                cmocka_unit_test(test_machine_name_from_path),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
