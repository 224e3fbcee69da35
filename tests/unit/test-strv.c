/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "basic/strv.h"

/* Freeing is checked by the sanitizer build, whose leak check fails a test that leaves any entry. */

static void test_push_takes_the_string(void **state) {
        _cleanup_(strv_freep) char **l = NULL;
        size_t n = 0;

        for (size_t i = 0; i < 3; i++) {
                char *s = strdup(i == 0 ? "a" : i == 1 ? "b=c" : "");
                char *original = s;

                assert_non_null(s);
                assert_int_equal(strv_push(&l, &n, &s), 0);
                assert_null(s);
                assert_int_equal(n, i + 1);
                assert_ptr_equal(l[i], original);
                assert_null(l[i + 1]);
        }
        assert_string_equal(l[0], "a");
        assert_string_equal(l[1], "b=c");
        assert_string_equal(l[2], "");
}

static void test_push_printf(void **state) {
        _cleanup_(strv_freep) char **l = calloc(4, sizeof(char *));
        size_t n = 0;

        assert_non_null(l);
        assert_int_equal(strv_push_printf(l, &n, "--uid=%u", 1000u), 0);
        assert_int_equal(strv_push_printf(l, &n, "%s", "--"), 0);
        assert_int_equal(strv_push_printf(l, &n, "%s", ""), 0);
        assert_int_equal(n, 3);
        assert_string_equal(l[0], "--uid=1000");
        assert_string_equal(l[1], "--");
        assert_string_equal(l[2], "");
        assert_null(l[3]);
}

/* NULL and the empty list are lists too: the cleanup of a list never made must not crash. */
static void test_free_empty(void **state) {
        _cleanup_(strv_freep) char **never = NULL;
        char **empty = calloc(1, sizeof(char *));

        assert_non_null(empty);
        strv_free(empty);
        strv_free(NULL);
        assert_null(never);
}

int main(void) {
        /* Fresh memory is not zeroed, so that a list left without its NULL shows. */
        mallopt(M_PERTURB, 0x5a);
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_push_takes_the_string),
                cmocka_unit_test(test_push_printf),
                cmocka_unit_test(test_free_empty),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
