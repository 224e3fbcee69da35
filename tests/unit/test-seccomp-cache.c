/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "settings/options.h"
#include "settings/options-security.h"
#include "core/seccomp-cache.h"
#include "core/seccomp-filter.h"

/* The filter cache in a directory of the test's own: a kept program comes back as it was built,
 * and nothing but a file the cache wrote for the same key is ever taken. */

struct fixture {
        char dir[64];
        int dir_fd;
        struct seccomp_program program;
        char *key;
};

static int setup(void **state) {
        struct fixture *f = calloc(1, sizeof *f);
        struct config c = {};
        char *argv[] = { "run", "--system-call-filter=~getpid", "/tree", NULL };

        assert_non_null(f);
        strcpy(f->dir, "/tmp/syscon-test-seccomp-cache-XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        f->dir_fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(f->dir_fd >= 0);
        assert_int_equal(options_parse(VERB_RUN, 3, argv, &c), 0);
        const struct seccomp_rules rules = security_seccomp_rules(&c);
        assert_int_equal(seccomp_filter_build(&rules, -EBADF, &f->program), 0);
        config_done(&c);
        assert_int_equal(seccomp_cache_key("-getpid\n", &f->key), 0);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        struct fixture *f = *state;
        DIR *d = fdopendir(f->dir_fd);
        struct dirent *de;

        assert_non_null(d);
        while ((de = readdir(d)))
                if (de->d_name[0] != '.')
                        assert_int_equal(unlinkat(dirfd(d), de->d_name, 0), 0);
        closedir(d);
        assert_int_equal(rmdir(f->dir), 0);
        seccomp_program_done(&f->program);
        free(f->key);
        free(f);
        return 0;
}

/* The one file in the cache directory. */
static void only_file(const struct fixture *f, char ret[static 256]) {
        DIR *d = opendir(f->dir);
        struct dirent *de;
        int n = 0;

        assert_non_null(d);
        while ((de = readdir(d)))
                if (de->d_name[0] != '.') {
                        strcpy(ret, de->d_name);
                        n++;
                }
        closedir(d);
        assert_int_equal(n, 1);
}

static void assert_miss(const struct fixture *f, const char *key) {
        struct seccomp_program p = {};

        assert_int_equal(seccomp_cache_load(f->dir_fd, key, &p), 0);
        assert_null(p.filter);
}

static void test_key(void **state) {
        struct fixture *f = *state;
        char *other;

        /* Test executables are linked with a build ID, as syscon is. */
        assert_int_equal(strncmp(f->key, "build-id ", 9), 0);
        assert_non_null(strstr(f->key, "\nlibseccomp "));
        assert_non_null(strstr(f->key, "\n-getpid\n"));
        assert_int_equal(seccomp_cache_key("-gettid\n", &other), 0);
        assert_string_not_equal(f->key, other);
        free(other);
}

static void test_round_trip(void **state) {
        struct fixture *f = *state;
        struct seccomp_program p = {};
        char name[256];
        struct stat st;

        assert_miss(f, f->key);
        assert_int_equal(seccomp_cache_store(f->dir_fd, f->key, &f->program), 0);
        only_file(f, name);
        assert_int_equal(fstatat(f->dir_fd, name, &st, AT_SYMLINK_NOFOLLOW), 0);
        assert_int_equal(st.st_mode & 07777, 0600);

        assert_int_equal(seccomp_cache_load(f->dir_fd, f->key, &p), 1);
        assert_int_equal(p.len, f->program.len);
        assert_memory_equal(p.filter, f->program.filter, p.len * sizeof *p.filter);
        seccomp_program_done(&p);

        /* Stored again (another process, meanwhile): replaced, still one file. */
        assert_int_equal(seccomp_cache_store(f->dir_fd, f->key, &f->program), 0);
        only_file(f, name);
        assert_miss(f, "build-id 00\nlibseccomp 0.0.0\n-getpid\n");
}

static void rewrite(const struct fixture *f, const char *name, const void *data, size_t len) {
        int fd = openat(f->dir_fd, name, O_WRONLY | O_TRUNC | O_CLOEXEC);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, data, len), (ssize_t) len);
        close(fd);
}

static void test_not_syscons(void **state) {
        struct fixture *f = *state;
        char name[256], other_name[256], buf[4096] = {};
        char *other_key;
        ssize_t n;
        int fd;

        assert_int_equal(seccomp_cache_store(f->dir_fd, f->key, &f->program), 0);
        only_file(f, name);
        fd = openat(f->dir_fd, name, O_RDONLY | O_CLOEXEC);
        n = read(fd, buf, sizeof buf);
        close(fd);
        assert_true(n > 16);

        /* Cut short, one byte more, garbled past the header. */
        rewrite(f, name, buf, (size_t) n - 1);
        assert_miss(f, f->key);
        buf[n] = 'x';
        rewrite(f, name, buf, (size_t) n + 1);
        assert_miss(f, f->key);
        buf[20] ^= 0x40;
        rewrite(f, name, buf, (size_t) n);
        assert_miss(f, f->key);
        buf[20] ^= 0x40;
        rewrite(f, name, buf, (size_t) n);
        assert_int_equal(fchmodat(f->dir_fd, name, 0666, 0), 0);
        assert_miss(f, f->key);
        assert_int_equal(fchmodat(f->dir_fd, name, 0600, 0), 0);

        /* Another key's file under this key's name. */
        assert_int_equal(seccomp_cache_key("-gettid\n", &other_key), 0);
        assert_int_equal(seccomp_cache_store(f->dir_fd, other_key, &f->program), 0);
        assert_int_equal(unlinkat(f->dir_fd, name, 0), 0);
        only_file(f, other_name);
        assert_int_equal(renameat(f->dir_fd, other_name, f->dir_fd, name), 0);
        assert_miss(f, f->key);
        free(other_key);

        /* A symlink to a good copy is not followed. */
        assert_int_equal(unlinkat(f->dir_fd, name, 0), 0);
        assert_int_equal(seccomp_cache_store(f->dir_fd, f->key, &f->program), 0);
        assert_int_equal(renameat(f->dir_fd, name, f->dir_fd, "good"), 0);
        assert_int_equal(symlinkat("good", f->dir_fd, name), 0);
        assert_miss(f, f->key);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_key, setup, teardown),
                cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
                cmocka_unit_test_setup_teardown(test_not_syscons, setup, teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
