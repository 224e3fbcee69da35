/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "basic/macro.h"
#include "core/passwd.h"

#define MIB (1024U * 1024U)

/* A memfd holding `n` bytes of `text`, its offset left at the end as a writer would leave it. */
static int memfd_with(const char *text, size_t n) {
        int fd = memfd_create("passwd", MFD_CLOEXEC);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, n), (ssize_t) n);
        return fd;
}

/* A memfd of exactly `size` bytes: `head`, then newlines. */
static int memfd_padded(const char *head, size_t size) {
        _cleanup_free_ char *buf = malloc(size);

        assert_non_null(buf);
        memset(buf, '\n', size);
        memcpy(buf, head, strlen(head));
        return memfd_with(buf, size);
}

static char *repeat(char c, size_t n) {
        char *s = malloc(n + 1);

        assert_non_null(s);
        memset(s, c, n);
        s[n] = 0;
        return s;
}

static char *line_printf(const char *format, ...) _printf_(1, 2);
static char *line_printf(const char *format, ...) {
        char *s;
        va_list ap;

        va_start(ap, format);
        assert_true(vasprintf(&s, format, ap) >= 0);
        va_end(ap);
        return s;
}

static void assert_identity(const struct user_identity *u, uid_t uid, gid_t gid, const char *name,
                            const char *home, const char *shell) {
        assert_int_equal(u->uid, uid);
        assert_int_equal(u->gid, gid);
        assert_string_equal(u->name, name);
        assert_string_equal(u->home, home);
        assert_string_equal(u->shell, shell);
}

static void assert_line_invalid(const char *line) {
        struct user_identity u = { .uid = 4711 };

        assert_int_equal(passwd_parse_line(line, &u), -EINVAL);
        assert_int_equal(u.uid, 4711); /* untouched on failure */
}

static void test_parse_valid(void **state) {
        struct user_identity u;

        assert_int_equal(passwd_parse_line("alice:x:1000:100:Alice A,,,:/home/alice:/bin/bash", &u), 0);
        assert_identity(&u, 1000, 100, "alice", "/home/alice", "/bin/bash");
        assert_int_equal(passwd_parse_line("root:x:0:0:root:/root:/bin/sh", &u), 0);
        assert_identity(&u, 0, 0, "root", "/root", "/bin/sh");
        assert_int_equal(passwd_parse_line("nobody:*:65534:65534::/nonexistent:", &u), 0);
        assert_identity(&u, 65534, 65534, "nobody", "/nonexistent", "");
        assert_int_equal(passwd_parse_line("svc::4294967294:4294967294:::", &u), 0);
        assert_identity(&u, 4294967294U, 4294967294U, "svc", "/", "");
        assert_int_equal(passwd_parse_line("web-1.app_x:x:007:0::/:/usr/sbin/nologin", &u), 0);
        assert_identity(&u, 7, 0, "web-1.app_x", "/", "/usr/sbin/nologin");
        assert_int_equal(passwd_parse_line("host1$:x:1001:1001::/var/empty:", &u), 0);
        assert_identity(&u, 1001, 1001, "host1$", "/var/empty", "");
        assert_int_equal(passwd_parse_line("_apt:x:42:65534::/nonexistent:/usr/sbin/nologin", &u), 0);
        assert_identity(&u, 42, 65534, "_apt", "/nonexistent", "/usr/sbin/nologin");
        assert_int_equal(passwd_parse_line("1234:x:5:5::/home/x:sh", &u), 0);
        assert_identity(&u, 5, 5, "1234", "/home/x", "sh");
}

static void test_parse_field_count(void **state) {
        assert_line_invalid("alice:x:1000:1000::/home/alice");
        assert_line_invalid("alice:x:1000:1000::/home/alice:/bin/sh:");
        assert_line_invalid("alice:x:1000:1000::/home/alice:/bin/sh:extra");
        assert_line_invalid("alice");
        assert_line_invalid("");
        assert_line_invalid("::::::");
        assert_line_invalid("alice:x:1000:1000::/home/alice:/bin/sh\n");
}

static void test_parse_bad_name(void **state) {
        _cleanup_free_ char *name32 = repeat('a', 32), *name33 = repeat('a', 33);
        _cleanup_free_ char *ok = line_printf("%s:x:1:1::/:", name32);
        _cleanup_free_ char *too_long = line_printf("%s:x:1:1::/:", name33);
        struct user_identity u;

        assert_int_equal(passwd_parse_line(ok, &u), 0);
        assert_string_equal(u.name, name32);
        assert_line_invalid(too_long);
        assert_line_invalid(":x:1:1::/:");
        assert_line_invalid("-alice:x:1:1::/:");
        assert_line_invalid("al ice:x:1:1::/:");
        assert_line_invalid("al/ice:x:1:1::/:");
        assert_line_invalid("al$ice:x:1:1::/:");
        assert_line_invalid("$:x:1:1::/:");
        assert_line_invalid("alice$$:x:1:1::/:");
        assert_line_invalid("#alice:x:1:1::/:");
        assert_line_invalid("+alice:x:1:1::/:");
        assert_line_invalid("+:::::::");
        assert_line_invalid("al\tice:x:1:1::/:");
        assert_line_invalid("\xc3\xa9lise:x:1:1::/:");
}

static void test_parse_bad_ids(void **state) {
        static const char *const bad[] = {
                "", "4294967295", "4294967296", "99999999999999999999", "-1", "+1", " 1", "1 ",
                "0x10", "1e3", "1.0", "１",
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *in_uid = line_printf("alice:x:%s:1::/:", bad[i]);
                _cleanup_free_ char *in_gid = line_printf("alice:x:1:%s::/:", bad[i]);

                assert_line_invalid(in_uid);
                assert_line_invalid(in_gid);
        }
}

static void test_parse_home_shell(void **state) {
        _cleanup_free_ char *path255 = repeat('a', 255), *path256 = repeat('a', 256);
        _cleanup_free_ char *long_shell = line_printf("a:x:1:1::/:/%s", path256 + 1);
        _cleanup_free_ char *max_shell = line_printf("a:x:1:1::/:/%s", path255 + 1);
        _cleanup_free_ char *long_home = line_printf("a:x:1:1::/%s:", path256 + 1);
        _cleanup_free_ char *max_home = line_printf("a:x:1:1::/%s:", path255 + 1);
        struct user_identity u;

        assert_int_equal(passwd_parse_line(max_shell, &u), 0);
        assert_int_equal(strlen(u.shell), 255);
        assert_int_equal(passwd_parse_line(max_home, &u), 0);
        assert_int_equal(strlen(u.home), 255);
        assert_line_invalid(long_shell);
        assert_line_invalid(long_home);
        assert_line_invalid("a:x:1:1::home/a:/bin/sh");
        assert_line_invalid("a:x:1:1::~a:/bin/sh");
        assert_line_invalid("a:x:1:1::/home/a\x1b:/bin/sh");
        assert_line_invalid("a:x:1:1::/home/a:/bin/sh\r");
        assert_line_invalid("a:x:1:1::/home/a:/bin/\x7fsh");
}

static void test_lookup_by_name(void **state) {
        static const char text[] =
                "root:x:0:0:root:/root:/bin/bash\n"
                "daemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n"
                "alice:x:1000:1000:Alice:/home/alice:/bin/zsh\n"
                "alice:x:1001:1001:Second:/home/alice2:/bin/sh\n"
                "abcdefghijklmnopqrstuvwxyz012345:x:7:7::/:\n";
        _cleanup_close_ int fd = memfd_with(text, sizeof text - 1);
        struct user_identity u;

        assert_int_equal(passwd_lookup_fd(fd, "abcdefghijklmnopqrstuvwxyz012345", &u), 0);
        assert_identity(&u, 7, 7, "abcdefghijklmnopqrstuvwxyz012345", "/", "");
        assert_int_equal(passwd_lookup_fd(fd, "abcdefghijklmnopqrstuvwxyz0123456", &u), -EINVAL);

        assert_int_equal(passwd_lookup_fd(fd, "alice", &u), 0);
        assert_identity(&u, 1000, 1000, "alice", "/home/alice", "/bin/zsh");
        assert_int_equal(passwd_lookup_fd(fd, "root", &u), 0);
        assert_identity(&u, 0, 0, "root", "/root", "/bin/bash");
        assert_int_equal(passwd_lookup_fd(fd, "daemon", &u), 0);
        assert_identity(&u, 1, 1, "daemon", "/usr/sbin", "/usr/sbin/nologin");
        assert_int_equal(passwd_lookup_fd(fd, "bob", &u), -ESRCH);
        assert_int_equal(passwd_lookup_fd(fd, "Alice", &u), -ESRCH);
        assert_int_equal(passwd_lookup_fd(fd, "ali", &u), -ESRCH);
        assert_int_equal(passwd_lookup_fd(fd, "alice:x", &u), -EINVAL);
        assert_int_equal(passwd_lookup_fd(fd, "", &u), -EINVAL);
        assert_int_equal(passwd_lookup_fd(fd, "-1", &u), -EINVAL);
        assert_int_equal(passwd_lookup_fd(fd, "+1", &u), -EINVAL);
        assert_int_equal(passwd_lookup_fd(fd, " 0", &u), -EINVAL);
}

static void test_lookup_by_number(void **state) {
        static const char text[] =
                "root:x:0:0:root:/root:/bin/bash\n"
                "1000:x:5:5::/home/digits:/bin/sh\n"
                "alice:x:1000:100:Alice:/home/alice:/bin/zsh\n";
        _cleanup_close_ int fd = memfd_with(text, sizeof text - 1);
        struct user_identity u;

        /* The uid field wins over a name made of the same digits. */
        assert_int_equal(passwd_lookup_fd(fd, "1000", &u), 0);
        assert_identity(&u, 1000, 100, "alice", "/home/alice", "/bin/zsh");
        assert_int_equal(passwd_lookup_fd(fd, "0", &u), 0);
        assert_identity(&u, 0, 0, "root", "/root", "/bin/bash");
        assert_int_equal(passwd_lookup_fd(fd, "001000", &u), 0);
        assert_identity(&u, 1000, 100, "alice", "/home/alice", "/bin/zsh");
        assert_int_equal(passwd_lookup_fd(fd, "4242", &u), 0);
        assert_identity(&u, 4242, 4242, "", "/", "");
        assert_int_equal(passwd_lookup_fd(fd, "4294967294", &u), 0);
        assert_identity(&u, 4294967294U, 4294967294U, "", "/", "");
        assert_int_equal(passwd_lookup_fd(fd, "4294967295", &u), -EINVAL);
        assert_int_equal(passwd_lookup_fd(fd, "4294967296", &u), -EINVAL);
        assert_int_equal(passwd_lookup_fd(fd, "99999999999999999999", &u), -EINVAL);
}

static void test_lookup_no_file(void **state) {
        struct user_identity u;

        assert_int_equal(passwd_lookup_fd(-EBADF, "alice", &u), -ESRCH);
        assert_int_equal(passwd_lookup_fd(-EBADF, "0", &u), 0);
        assert_identity(&u, 0, 0, "", "/", "");
        assert_int_equal(passwd_lookup_fd(-EBADF, "4294967295", &u), -EINVAL);
        assert_int_equal(passwd_lookup_fd(-EBADF, "a b", &u), -EINVAL);
}

static void test_lookup_empty_file(void **state) {
        _cleanup_close_ int fd = memfd_with("", 0);
        struct user_identity u;

        assert_int_equal(passwd_lookup_fd(fd, "root", &u), -ESRCH);
        assert_int_equal(passwd_lookup_fd(fd, "7", &u), 0);
        assert_identity(&u, 7, 7, "", "/", "");
}

static void test_lookup_skips_malformed(void **state) {
        static const char text[] =
                "# comment\n"
                "\n"
                "+::::::\n"
                "alice:x:1000:1000::/home/alice\n"
                "alice:x:99999999999:1000::/home/alice:/bin/sh\n"
                "alice:x:1000:1000::relative:/bin/sh\n"
                "   \n"
                "alice:x:1002:1003::/home/alice:/bin/sh\n";
        _cleanup_close_ int fd = memfd_with(text, sizeof text - 1);
        struct user_identity u;

        assert_int_equal(passwd_lookup_fd(fd, "alice", &u), 0);
        assert_identity(&u, 1002, 1003, "alice", "/home/alice", "/bin/sh");
        /* The malformed uid-1000 lines are not used for a number either. */
        assert_int_equal(passwd_lookup_fd(fd, "1000", &u), 0);
        assert_identity(&u, 1000, 1000, "", "/", "");
}

static void test_lookup_last_line_without_newline(void **state) {
        static const char text[] = "root:x:0:0::/root:/bin/sh\nbob:x:1001:1001::/home/bob:/bin/dash";
        _cleanup_close_ int fd = memfd_with(text, sizeof text - 1);
        struct user_identity u;

        assert_int_equal(passwd_lookup_fd(fd, "bob", &u), 0);
        assert_identity(&u, 1001, 1001, "bob", "/home/bob", "/bin/dash");
        assert_int_equal(passwd_lookup_fd(fd, "1001", &u), 0);
        assert_identity(&u, 1001, 1001, "bob", "/home/bob", "/bin/dash");
}

/* "\r\n" line ends are accepted; a "\r" anywhere else in home or shell is not. */
static void test_lookup_crlf(void **state) {
        static const char text[] =
                "root:x:0:0::/root:/bin/sh\r\n"
                "bob:x:1001:1001::/home/bob:/bin/sh\r\r\n"
                "carol:x:1002:1002::/home/carol\r:/bin/sh\r\n"
                "dave:x:1003:1003::/home/dave:/bin/bash\r";
        _cleanup_close_ int fd = memfd_with(text, sizeof text - 1);
        struct user_identity u;

        assert_int_equal(passwd_lookup_fd(fd, "root", &u), 0);
        assert_identity(&u, 0, 0, "root", "/root", "/bin/sh");
        assert_int_equal(passwd_lookup_fd(fd, "dave", &u), 0);
        assert_identity(&u, 1003, 1003, "dave", "/home/dave", "/bin/bash");
        assert_int_equal(passwd_lookup_fd(fd, "bob", &u), -ESRCH);
        assert_int_equal(passwd_lookup_fd(fd, "carol", &u), -ESRCH);
}

static void test_lookup_nul_byte(void **state) {
        /* As C strings the first two lines would be valid prefixes; the file means more. */
        static const char text[] =
                "mallory:x:0:0::/root:/bin/sh\0:x:1000:1000::/home/mallory:/bin/sh\n"
                "eve\0:x:0:0::/:/bin/sh\n"
                "alice:x:1000:1000::/home/alice:/bin/sh\n";
        _cleanup_close_ int fd = memfd_with(text, sizeof text - 1);
        struct user_identity u;

        assert_int_equal(passwd_lookup_fd(fd, "mallory", &u), -ESRCH);
        assert_int_equal(passwd_lookup_fd(fd, "eve", &u), -ESRCH);
        assert_int_equal(passwd_lookup_fd(fd, "alice", &u), 0);
        assert_identity(&u, 1000, 1000, "alice", "/home/alice", "/bin/sh");
        assert_int_equal(passwd_lookup_fd(fd, "0", &u), 0);
        assert_identity(&u, 0, 0, "", "/", "");
}

static void test_lookup_size_limit(void **state) {
        static const char head[] = "alice:x:1000:1000::/home/alice:/bin/sh\n";
        _cleanup_close_ int at_limit = memfd_padded(head, 4 * MIB);
        _cleanup_close_ int over_limit = memfd_padded(head, 4 * MIB + 1);
        _cleanup_close_ int big = memfd_padded(head, 5 * MIB);
        struct user_identity u;

        assert_int_equal(passwd_lookup_fd(at_limit, "alice", &u), 0);
        assert_identity(&u, 1000, 1000, "alice", "/home/alice", "/bin/sh");
        assert_int_equal(passwd_lookup_fd(over_limit, "alice", &u), -EFBIG);
        assert_int_equal(passwd_lookup_fd(big, "alice", &u), -EFBIG);
        assert_int_equal(passwd_lookup_fd(big, "1000", &u), -EFBIG);
}

static void test_lookup_unreadable(void **state) {
        _cleanup_close_ int fd = memfd_create("passwd", MFD_CLOEXEC);
        _cleanup_close_ int wronly = -EBADF;
        char path[64];
        struct user_identity u;

        assert_true(fd >= 0);
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        wronly = open(path, O_WRONLY | O_CLOEXEC);
        assert_true(wronly >= 0);
        assert_int_equal(passwd_lookup_fd(wronly, "alice", &u), -EBADF);
}

static void test_root(void **state) {
        struct user_identity u;

        memset(&u, 'x', sizeof u);
        user_identity_root(&u);
        assert_identity(&u, 0, 0, "root", "/root", "/bin/sh");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_valid),
                cmocka_unit_test(test_parse_field_count),
                cmocka_unit_test(test_parse_bad_name),
                cmocka_unit_test(test_parse_bad_ids),
                cmocka_unit_test(test_parse_home_shell),
                cmocka_unit_test(test_lookup_by_name),
                cmocka_unit_test(test_lookup_by_number),
                cmocka_unit_test(test_lookup_no_file),
                cmocka_unit_test(test_lookup_empty_file),
                cmocka_unit_test(test_lookup_skips_malformed),
                cmocka_unit_test(test_lookup_last_line_without_newline),
                cmocka_unit_test(test_lookup_crlf),
                cmocka_unit_test(test_lookup_nul_byte),
                cmocka_unit_test(test_lookup_size_limit),
                cmocka_unit_test(test_lookup_unreadable),
                cmocka_unit_test(test_root),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
