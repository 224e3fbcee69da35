/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "settings/config.h"
#include "settings/environ.h"
#include "basic/macro.h"
#include "core/passwd.h"

#define UUID "0f8b7a4e-3c2d-4e1f-9a8b-7c6d5e4f3a2b"
#define PATH_DEFAULT "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static void assert_strv_equal(char **l, const char *const *expected) {
        size_t i;

        assert_non_null(l);
        for (i = 0; expected[i]; i++) {
                assert_non_null(l[i]);
                assert_string_equal(l[i], expected[i]);
        }
        assert_null(l[i]);
}

static void test_root(void **state) {
        static const char *const expected[] = {
                PATH_DEFAULT, "container=syscon", "container_uuid=" UUID, "TERM=vt220",
                "HOME=/root", "USER=root", "LOGNAME=root", "SHELL=/bin/sh", NULL,
        };
        struct config c = {};
        struct user_identity root;
        _cleanup_(strv_freep) char **l = NULL;

        user_identity_root(&root);
        assert_int_equal(environ_build(&c, &root, UUID, "vt220", &l), 0);
        assert_strv_equal(l, expected);
}

static void test_named_user(void **state) {
        static const char *const expected[] = {
                PATH_DEFAULT, "container=syscon", "container_uuid=" UUID, "TERM=dumb",
                "HOME=/home/alice", "USER=alice", "LOGNAME=alice", "SHELL=/bin/zsh", NULL,
        };
        struct config c = {};
        struct user_identity alice;
        _cleanup_(strv_freep) char **l = NULL;

        assert_int_equal(passwd_parse_line("alice:x:1000:1000::/home/alice:/bin/zsh", &alice), 0);
        assert_int_equal(environ_build(&c, &alice, UUID, "dumb", &l), 0);
        assert_strv_equal(l, expected);
}

static void test_numeric_user(void **state) {
        static const char *const expected[] = {
                PATH_DEFAULT, "container=syscon", "container_uuid=" UUID, "TERM=xterm-256color",
                "HOME=/", NULL,
        };
        struct config c = {};
        struct user_identity u;
        _cleanup_(strv_freep) char **l = NULL;

        assert_int_equal(passwd_lookup_fd(-EBADF, "4242", &u), 0);
        assert_int_equal(environ_build(&c, &u, UUID, "xterm-256color", &l), 0);
        assert_strv_equal(l, expected);
}

static void test_no_shell(void **state) {
        static const char *const expected[] = {
                PATH_DEFAULT, "container=syscon", "container_uuid=" UUID, "TERM=dumb",
                "HOME=/", "USER=svc", "LOGNAME=svc", NULL,
        };
        struct config c = {};
        struct user_identity u;
        _cleanup_(strv_freep) char **l = NULL;

        assert_int_equal(passwd_parse_line("svc:x:5:5:::", &u), 0);
        assert_int_equal(environ_build(&c, &u, UUID, "dumb", &l), 0);
        assert_strv_equal(l, expected);
}

static void test_setenv_overrides(void **state) {
        char *setenv_list[] = {
                "LANG=C.UTF-8",
                "PATH=/opt/bin",
                "FOO=1",
                "HOME=/srv",
                "FOO=2",
                "PATHX=x",
                "EMPTY=",
                "LANG=de_DE.UTF-8",
                "container=other",
                NULL,
        };
        static const char *const expected[] = {
                "PATH=/opt/bin", "container=other", "container_uuid=" UUID, "TERM=vt220",
                "HOME=/srv", "USER=root", "LOGNAME=root", "SHELL=/bin/sh", "LANG=de_DE.UTF-8",
                "FOO=2", "PATHX=x", "EMPTY=", NULL,
        };
        struct config c = { .setenv = setenv_list, .n_setenv = ELEMENTSOF(setenv_list) - 1 };
        struct user_identity root;
        _cleanup_(strv_freep) char **l = NULL;

        user_identity_root(&root);
        assert_int_equal(environ_build(&c, &root, UUID, "vt220", &l), 0);
        assert_strv_equal(l, expected);
}

static void test_value_with_equals(void **state) {
        char *setenv_list[] = { "OPTS=a=b=c", "OPTS=x=y", NULL };
        struct config c = { .setenv = setenv_list, .n_setenv = 2 };
        struct user_identity root;
        _cleanup_(strv_freep) char **l = NULL;

        user_identity_root(&root);
        assert_int_equal(environ_build(&c, &root, UUID, "vt220", &l), 0);
        assert_string_equal(l[8], "OPTS=x=y");
        assert_null(l[9]);
}

static void test_host_does_not_leak(void **state) {
        static const char *const expected[] = {
                PATH_DEFAULT, "container=syscon", "container_uuid=" UUID, "TERM=vt220",
                "HOME=/root", "USER=root", "LOGNAME=root", "SHELL=/bin/sh", NULL,
        };
        struct config c = {};
        struct user_identity root;
        _cleanup_(strv_freep) char **l = NULL;

        assert_int_equal(setenv("FOO_FROM_HOST", "leaked", 1), 0);
        assert_int_equal(setenv("PATH", "/host/bin", 1), 0);
        assert_int_equal(setenv("HOME", "/host/home", 1), 0);
        user_identity_root(&root);
        assert_int_equal(environ_build(&c, &root, UUID, "vt220", &l), 0);
        assert_strv_equal(l, expected);
        for (char **i = l; *i; i++)
                assert_null(strstr(*i, "FOO_FROM_HOST"));
        assert_int_equal(unsetenv("FOO_FROM_HOST"), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_root),
                cmocka_unit_test(test_named_user),
                cmocka_unit_test(test_numeric_user),
                cmocka_unit_test(test_no_shell),
                cmocka_unit_test(test_setenv_overrides),
                cmocka_unit_test(test_value_with_equals),
                cmocka_unit_test(test_host_does_not_leak),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
