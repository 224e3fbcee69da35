/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "network/network-name.h"

static void test_ifname_valid(void **state) {
        assert_true(ifname_is_valid("a"));
        assert_true(ifname_is_valid("eth0"));
        assert_true(ifname_is_valid("ve-web.1_x-y"));
        assert_true(ifname_is_valid("123456789012345"));
        assert_false(ifname_is_valid(""));
        assert_false(ifname_is_valid("1234567890123456"));
        assert_false(ifname_is_valid("."));
        assert_false(ifname_is_valid(".."));
        assert_true(ifname_is_valid("..."));
        assert_false(ifname_is_valid("a/b"));
        assert_false(ifname_is_valid("a:b"));
        assert_false(ifname_is_valid("a b"));
        assert_false(ifname_is_valid("a\tb"));
        assert_false(ifname_is_valid("a\nb"));
        assert_false(ifname_is_valid("a\x7f"));
        assert_false(ifname_is_valid("a\xa0"));
}

static void test_ifname_short(void **state) {
        char name[IF_NAMESIZE];

        ifname_with_prefix("ve-", "web", name);
        assert_string_equal(name, "ve-web");
        ifname_with_prefix("ve-", "abcdefghijkl", name); /* exactly 15 bytes */
        assert_string_equal(name, "ve-abcdefghijkl");
        ifname_with_prefix("", "eth0", name);
        assert_string_equal(name, "eth0");
}

static void test_ifname_long(void **state) {
        char a[IF_NAMESIZE], b[IF_NAMESIZE], again[IF_NAMESIZE];

        ifname_with_prefix("ve-", "abcdefghijklm", a); /* 16 bytes */
        assert_int_equal(strlen(a), 15);
        assert_memory_equal(a, "ve-abcdefgh", 11);
        assert_true(ifname_is_valid(a));

        ifname_with_prefix("ve-", "abcdefghijklm", again);
        assert_string_equal(a, again);

        /* names that share their first 11 bytes still differ */
        ifname_with_prefix("ve-", "abcdefghijkln", b);
        assert_memory_equal(b, "ve-abcdefgh", 11);
        assert_string_not_equal(a, b);
        ifname_with_prefix("vb-", "abcdefghijklm", b);
        assert_string_not_equal(a + 3, b + 3);

        ifname_with_prefix("ve-", "a-very-long-machine-name.example.com", b);
        assert_int_equal(strlen(b), 15);
        assert_true(ifname_is_valid(b));
}

static void test_mac(void **state) {
        uint8_t a[6], b[6];

        mac_derive("3d1219c7c4c5404aaa1f6d2a48adfda4", "web", "host", 0, a);
        assert_int_equal(a[0] & 0x01, 0); /* unicast */
        assert_int_equal(a[0] & 0x02, 0x02); /* locally administered */
        mac_derive("3d1219c7c4c5404aaa1f6d2a48adfda4", "web", "host", 0, b);
        assert_memory_equal(a, b, 6);

        mac_derive("3d1219c7c4c5404aaa1f6d2a48adfda4", "web", "container", 0, b);
        assert_memory_not_equal(a, b, 6);
        mac_derive("3d1219c7c4c5404aaa1f6d2a48adfda4", "web", "host", 1, b);
        assert_memory_not_equal(a, b, 6);
        mac_derive("3d1219c7c4c5404aaa1f6d2a48adfda4", "web2", "host", 0, b);
        assert_memory_not_equal(a, b, 6);
        mac_derive("", "web", "host", 0, b);
        assert_memory_not_equal(a, b, 6);
        /* the strings are hashed apart: ("webh", "ost") is not ("web", "host") */
        mac_derive("3d1219c7c4c5404aaa1f6d2a48adfda4", "webh", "ost", 0, b);
        assert_memory_not_equal(a, b, 6);

        for (unsigned i = 0; i < 64; i++) {
                mac_derive("", "m", "macvlan", i, b);
                assert_int_equal(b[0] & 0x03, 0x02);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ifname_valid),
                cmocka_unit_test(test_ifname_short),
                cmocka_unit_test(test_ifname_long),
                cmocka_unit_test(test_mac),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
