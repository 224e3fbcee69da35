/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/cgroup-internal.h"

/* The pure parts of the cgroup module: reading /proc/self/cgroup and mountinfo, naming, and the
 * attribute-file helpers (on a plain directory, which reads and writes like a cgroup's). */

static void check_self_line(const char *text, int ret, unsigned id, const char *controllers, const char *path) {
        char *line = strdup(text), *c, *p;
        unsigned got_id;

        assert_non_null(line);
        assert_int_equal(cgroup_parse_self_line(line, &got_id, &c, &p), ret);
        if (ret == 0) {
                assert_int_equal(got_id, id);
                assert_string_equal(c, controllers);
                assert_string_equal(p, path);
        }
        free(line);
}

static void test_self_lines(void **state) {
        check_self_line("0::/\n", 0, 0, "", "/");
        check_self_line("4:memory:/process_api/42\n", 0, 4, "memory", "/process_api/42");
        check_self_line("9:name=systemd:/", 0, 9, "name=systemd", "/");
        check_self_line("2:cpu,cpuacct:/a:b/c\n", 0, 2, "cpu,cpuacct", "/a:b/c");
        check_self_line("x:memory:/", -EBADMSG, 0, NULL, NULL);
        check_self_line("4:memory", -EBADMSG, 0, NULL, NULL);
        check_self_line("4:memory:relative", -EBADMSG, 0, NULL, NULL);
        check_self_line("", -EBADMSG, 0, NULL, NULL);
}

/* A /proc/PID/cgroup: `n_lines` v1 hierarchies, each with a path of `path_len` bytes, then the
 * unified one, last as the kernel lists it. */
static int self_file(size_t n_lines, size_t path_len) {
        int fd = memfd_create("cgroup", MFD_CLOEXEC);
        char *path = malloc(path_len + 1);

        assert_true(fd >= 0);
        assert_non_null(path);
        for (size_t i = 0; i < path_len; i++)
                path[i] = i % 64 == 0 ? '/' : 'a';
        path[path_len] = 0;
        for (size_t i = 0; i < n_lines; i++)
                assert_true(dprintf(fd, "%zu:name=h%zu:%s\n", i + 1, i, path) > 0);
        assert_true(dprintf(fd, "0::/user.slice/session-1.scope\n") > 0);
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        free(path);
        return fd;
}

/* Long paths in many hierarchies (syscon started deep in each): the unified line, which comes
 * last, must be read, not cut off with the rest of the file past some buffer. */
static void test_self_read_whole(void **state) {
        struct cgroup_membership m[CGROUP_MEMBERSHIPS_MAX];
        int fd = self_file(16, 4000);
        char *text = NULL;
        size_t n = 0;

        assert_int_equal(cgroup_read_memberships(fd, &text, m, &n), 0);
        assert_int_equal(n, 17);
        assert_int_equal(m[15].id, 16);
        assert_int_equal(strlen(m[15].path), 4000);
        assert_int_equal(m[16].id, 0);
        assert_string_equal(m[16].path, "/user.slice/session-1.scope");
        free(text);
        close(fd);
}

/* What cannot be read whole is refused, never used in part. */
static void test_self_too_large(void **state) {
        struct cgroup_membership m[CGROUP_MEMBERSHIPS_MAX];
        int fd = self_file(16, 128 * 1024);
        char *text = NULL;
        size_t n = 0;

        assert_int_equal(cgroup_read_memberships(fd, &text, m, &n), -EFBIG);
        assert_null(text);
        close(fd);

        fd = self_file(CGROUP_MEMBERSHIPS_MAX, 10);
        assert_int_equal(cgroup_read_memberships(fd, &text, m, &n), -E2BIG);
        assert_null(text);
        close(fd);
}

static void check_mountinfo(const char *text, int ret, const char *root, const char *mount_point, const char *fstype,
                            const char *super_options) {
        char *line = strdup(text);
        struct mountinfo_entry e;

        assert_non_null(line);
        assert_int_equal(cgroup_parse_mountinfo_line(line, &e), ret);
        if (ret == 0) {
                assert_string_equal(e.root, root);
                assert_string_equal(e.mount_point, mount_point);
                assert_string_equal(e.fstype, fstype);
                assert_string_equal(e.super_options, super_options);
        }
        free(line);
}

static void test_mountinfo_lines(void **state) {
        check_mountinfo("33 25 0:29 / /sys/fs/cgroup/cpu rw,relatime shared:10 - cgroup cgroup rw,cpu\n", 0,
                        "/", "/sys/fs/cgroup/cpu", "cgroup", "rw,cpu");
        check_mountinfo("35 25 0:31 /.. /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory", 0,
                        "/..", "/sys/fs/cgroup/memory", "cgroup", "rw,memory");
        check_mountinfo("40 25 0:36 / /sys/fs/cgroup/unified rw,nosuid master:1 shared:2 - cgroup2 none rw,nsdelegate", 0,
                        "/", "/sys/fs/cgroup/unified", "cgroup2", "rw,nsdelegate");
        check_mountinfo("33 25 0:29 / /x rw - cgroup", -EBADMSG, NULL, NULL, NULL, NULL);
        check_mountinfo("33 25 0:29 / /x rw cgroup cgroup rw", -EBADMSG, NULL, NULL, NULL, NULL);
        check_mountinfo("", -EBADMSG, NULL, NULL, NULL, NULL);
}

static void test_controllers_match(void **state) {
        assert_true(cgroup_controllers_match("memory", "rw,memory"));
        assert_true(cgroup_controllers_match("cpu,cpuacct", "rw,cpu,cpuacct"));
        assert_true(cgroup_controllers_match("cpu,cpuacct", "rw,cpuacct,xattr,cpu"));
        assert_true(cgroup_controllers_match("name=systemd", "rw,xattr,name=systemd"));
        assert_false(cgroup_controllers_match("cpu", "rw,cpuacct"));
        assert_false(cgroup_controllers_match("cpu,cpuacct", "rw,cpu"));
        assert_false(cgroup_controllers_match("memory", "rw,name=memory"));
        assert_false(cgroup_controllers_match("", "rw"));
}

static void check_escape(const char *machine, const char *expected) {
        char buf[128];

        assert_string_equal(cgroup_dir_name_escape(machine, buf, sizeof buf), expected);
}

static void test_dir_names(void **state) {
        check_escape("web", "web");
        check_escape("web-1", "web-1");
        check_escape("tasks", "_tasks");
        check_escape("release_agent", "_release_agent");
        check_escape("cgroup.procs", "_cgroup.procs");
        check_escape("memory.max", "_memory.max");
        check_escape("web.example.com", "_web.example.com");
}

static void test_list_has(void **state) {
        assert_true(cgroup_list_has("cpuset cpu io memory pids", "cpu", " "));
        assert_true(cgroup_list_has("cpuset cpu io memory pids", "pids", " "));
        assert_false(cgroup_list_has("cpuset io memory", "cpu", " "));
        assert_false(cgroup_list_has("", "cpu", " "));
        assert_true(cgroup_list_has("cpu,cpuacct", "cpuacct", ","));
}

static int make_dir(char template[static 32]) {
        int fd;

        strcpy(template, "/tmp/test-cgroup-XXXXXX");
        assert_non_null(mkdtemp(template));
        fd = open(template, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        return fd;
}

static void put(int dir_fd, const char *file, const char *text) {
        int fd = openat(dir_fd, file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
        close(fd);
}

static void test_files(void **state) {
        char dir[32], buf[64];
        uint64_t v;
        int fd = make_dir(dir);

        put(fd, "memory.max", "max\n");
        put(fd, "pids.current", "17\n");
        put(fd, "memory.events", "low 0\nhigh 3\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n");
        put(fd, "cpu.stat", "usage_usec 419000\nuser_usec 400000\n");
        put(fd, "bad", "x1\n");
        put(fd, "empty", "");

        assert_int_equal(cgroup_read_u64(fd, "memory.max", &v), 0);
        assert_true(v == CGROUP_LIMIT_MAX);
        assert_int_equal(cgroup_read_u64(fd, "pids.current", &v), 0);
        assert_true(v == 17);
        assert_int_equal(cgroup_read_key(fd, "memory.events", "oom_kill", &v), 0);
        assert_true(v == 2);
        assert_int_equal(cgroup_read_key(fd, "memory.events", "oom", &v), 0);
        assert_true(v == 2);
        assert_int_equal(cgroup_read_key(fd, "memory.events", "max", &v), 0);
        assert_true(v == 12);
        assert_int_equal(cgroup_read_key(fd, "cpu.stat", "usage_usec", &v), 0);
        assert_true(v == 419000);
        assert_int_equal(cgroup_read_key(fd, "cpu.stat", "usage", &v), -ENODATA);
        assert_int_equal(cgroup_read_u64(fd, "bad", &v), -EBADMSG);
        assert_int_equal(cgroup_read_u64(fd, "empty", &v), -EBADMSG);
        assert_int_equal(cgroup_read_u64(fd, "missing", &v), -ENOENT);

        assert_int_equal(cgroup_write_u64(fd, "pids.current", CGROUP_LIMIT_MAX, "max"), 0);
        assert_int_equal(cgroup_read(fd, "pids.current", buf, sizeof buf), 0);
        assert_string_equal(buf, "max");
        assert_int_equal(cgroup_write_u64(fd, "empty", 42, "-1"), 0);
        assert_int_equal(cgroup_read(fd, "empty", buf, sizeof buf), 0);
        assert_string_equal(buf, "42");
        assert_int_equal(cgroup_write(fd, "missing", "1"), -ENOENT);
        assert_true(cgroup_has_file(fd, "cpu.stat"));
        assert_false(cgroup_has_file(fd, "missing"));

        /* cgroup_remove() takes the tree apart deepest first; files would make rmdir fail */
        assert_int_equal(mkdirat(fd, "sub", 0755), 0);
        assert_int_equal(mkdirat(fd, "sub/a", 0755), 0);
        assert_int_equal(mkdirat(fd, "sub/a/b", 0755), 0);
        assert_int_equal(mkdirat(fd, "sub/c", 0755), 0);
        assert_int_equal(cgroup_remove(fd, "sub"), 0);
        assert_int_equal(faccessat(fd, "sub", F_OK, 0), -1);
        assert_int_equal(cgroup_remove(fd, "sub"), 0);

        for (const char *const *f = (const char *const[]) { "memory.max", "pids.current", "memory.events",
                                                               "cpu.stat", "bad", "empty", NULL }; *f; f++)
                assert_int_equal(unlinkat(fd, *f, 0), 0);
        close(fd);
        assert_int_equal(rmdir(dir), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_self_lines),
                cmocka_unit_test(test_self_read_whole),
                cmocka_unit_test(test_self_too_large),
                cmocka_unit_test(test_mountinfo_lines),
                cmocka_unit_test(test_controllers_match),
                cmocka_unit_test(test_dir_names),
                cmocka_unit_test(test_list_has),
                cmocka_unit_test(test_files),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
