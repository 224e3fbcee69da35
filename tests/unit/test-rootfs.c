/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "basic/macro.h"
#include "core/rootfs.h"
#include "tmpdir.h"

/* Every path inside the container's tree is the tree's to decide: hostile trees, built in a scratch
 * directory next to a directory "outside" that holds what a tree must never reach. After each
 * test, nothing outside the tree has changed, and every fd handed out was of a file in it. */

struct fixture {
        char *tmp;
        char *tree;
        char *outside;
        int tree_fd;
        char *listing; /* of everything but the tree, before the test */
};

/* Names, types and sizes of everything below `dir`, not following symlinks nor entering `skip`. */
static void list_into(FILE *out, const char *dir, const char *skip) {
        DIR *d = opendir(dir);
        struct dirent *e;

        assert_non_null(d);
        while ((e = readdir(d))) {
                char *p;
                struct stat st;

                if (streq(e->d_name, ".") || streq(e->d_name, ".."))
                        continue;
                p = path_join(dir, e->d_name);
                assert_int_equal(lstat(p, &st), 0);
                fprintf(out, "%s %o %lld\n", p, st.st_mode, (long long) st.st_size);
                if (S_ISDIR(st.st_mode) && !(skip && streq(p, skip)))
                        list_into(out, p, skip);
                free(p);
        }
        closedir(d);
}

static char *listing_outside_tree(const struct fixture *f) {
        char *text = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&text, &size);

        assert_non_null(out);
        list_into(out, f->tmp, f->tree);
        fclose(out);
        return text;
}

static void put_file(const char *dir, const char *rel, const char *text) {
        char *p = path_join(dir, rel);
        int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
        close(fd);
        free(p);
}

static void put_dir(const char *dir, const char *rel) {
        char *p = path_join(dir, rel);

        assert_int_equal(mkdir(p, 0755), 0);
        free(p);
}

static void put_link(const char *dir, const char *rel, const char *target) {
        char *p = path_join(dir, rel);

        assert_int_equal(symlink(target, p), 0);
        free(p);
}

static int setup(void **state) {
        struct fixture *f = calloc(1, sizeof *f);

        assert_non_null(f);
        f->tmp = tmpdir_new();
        f->tree = path_join(f->tmp, "tree");
        f->outside = path_join(f->tmp, "outside");
        put_dir(f->tmp, "tree");
        put_dir(f->tmp, "outside");
        put_file(f->outside, "secret", "outside");
        put_dir(f->outside, "dir");

        put_dir(f->tree, "etc");
        put_file(f->tree, "etc/passwd", "inside");
        put_dir(f->tree, "dir");
        put_file(f->tree, "file", "file");

        put_link(f->tree, "abs", "/etc");
        put_link(f->tree, "abs-passwd", "/etc/passwd");
        put_link(f->tree, "abs-out", f->outside);
        put_link(f->tree, "up", "../../outside");
        put_link(f->tree, "dir/up-passwd", "../../../../../../etc/passwd");
        put_link(f->tree, "proc-root", "/proc/self/root");
        put_link(f->tree, "proc-cwd", "/proc/self/cwd");
        put_link(f->tree, "loop-a", "loop-b");
        put_link(f->tree, "loop-b", "/loop-a");
        put_link(f->tree, "self", "./self");
        put_link(f->tree, "dangling", "/missing/deeper");
        put_link(f->tree, "link-dir", "dir");
        put_link(f->tree, "link-file", "/file");

        f->tree_fd = open(f->tree, O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(f->tree_fd >= 0);
        f->listing = listing_outside_tree(f);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        struct fixture *f = *state;
        char *after = listing_outside_tree(f);

        assert_string_equal(after, f->listing);
        free(after);
        free(f->listing);
        close(f->tree_fd);
        tmpdir_free(f->tmp);
        free(f->tree);
        free(f->outside);
        free(f);
        return 0;
}

/* `fd` is the file at `rel` in the tree: the same inode, not one of the same name elsewhere. */
static void assert_is(const struct fixture *f, int fd, const char *rel) {
        struct stat a, b;

        if (fd < 0)
                fail_msg("%s: got %s, want an fd", rel, strerror(-fd));
        assert_int_equal(fstat(fd, &a), 0);
        assert_int_equal(fstatat(f->tree_fd, rel, &b, AT_SYMLINK_NOFOLLOW), 0);
        if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
                fail_msg("%s: the fd is another file", rel);
        close(fd);
}

static void assert_error(int r, int expected, const char *what) {
        if (r >= 0) {
                close(r);
                fail_msg("%s: got an fd, want %s", what, strerror(-expected));
        }
        if (r != expected)
                fail_msg("%s: got %s, want %s", what, strerror(-r), strerror(-expected));
}

static void test_open_inside(void **state) {
        struct fixture *f = *state;

        assert_is(f, rootfs_open(f->tree_fd, "/etc/passwd", O_RDONLY), "etc/passwd");
        assert_is(f, rootfs_open(f->tree_fd, "etc/passwd", O_RDONLY), "etc/passwd");
        assert_is(f, rootfs_open(f->tree_fd, "/", O_PATH), ".");
        assert_is(f, rootfs_open(f->tree_fd, "/dir/./../etc//passwd", O_RDONLY), "etc/passwd");
        assert_error(rootfs_open(f->tree_fd, "/etc/missing", O_RDONLY), -ENOENT, "/etc/missing");
        assert_error(rootfs_open(f->tree_fd, "/file/x", O_RDONLY), -ENOTDIR, "/file/x");
}

/* An absolute link is the tree's path, not the host's. */
static void test_absolute_links(void **state) {
        struct fixture *f = *state;
        char *out_secret = path_join(f->outside, "secret");

        assert_is(f, rootfs_open(f->tree_fd, "/abs/passwd", O_RDONLY), "etc/passwd");
        assert_is(f, rootfs_open(f->tree_fd, "/abs-passwd", O_RDONLY), "etc/passwd");
        /* The host's path of outside/secret, asked for directly or through a link. */
        assert_error(rootfs_open(f->tree_fd, out_secret, O_RDONLY), -ENOENT, out_secret);
        assert_error(rootfs_open(f->tree_fd, "/abs-out/secret", O_RDONLY), -ENOENT, "/abs-out/secret");
        assert_error(rootfs_open(f->tree_fd, "/abs-out", O_PATH), -ENOENT, "/abs-out");

        /* The same path made in the tree is what they lead to. */
        for (char *slash = out_secret; (slash = strchr(slash + 1, '/'));) {
                *slash = 0;
                put_dir(f->tree, out_secret + 1);
                *slash = '/';
        }
        put_file(f->tree, out_secret + 1, "inside");
        assert_is(f, rootfs_open(f->tree_fd, out_secret, O_RDONLY), out_secret + 1);
        assert_is(f, rootfs_open(f->tree_fd, "/abs-out/secret", O_RDONLY), out_secret + 1);
        free(out_secret);
}

/* ".." stops at the tree's root, in the path and in links. */
static void test_dotdot(void **state) {
        struct fixture *f = *state;

        assert_is(f, rootfs_open(f->tree_fd, "/../../../etc/passwd", O_RDONLY), "etc/passwd");
        assert_is(f, rootfs_open(f->tree_fd, "../etc/passwd", O_RDONLY), "etc/passwd");
        assert_is(f, rootfs_open(f->tree_fd, "/..", O_PATH), ".");
        assert_is(f, rootfs_open(f->tree_fd, "/dir/up-passwd", O_RDONLY), "etc/passwd");
        assert_error(rootfs_open(f->tree_fd, "/../outside/secret", O_RDONLY), -ENOENT, "/../outside/secret");
        assert_error(rootfs_open(f->tree_fd, "/up/secret", O_RDONLY), -ENOENT, "/up/secret");
}

/* /proc/self/root and its kind lead anywhere: in the tree they are the tree's own paths, and a
 * real one (a procfs mounted in the tree) is refused, not followed. */
static void test_magic_links(void **state) {
        struct fixture *f = *state;
        _cleanup_close_ int proc_self = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
        char fd_path[32];

        assert_error(rootfs_open(f->tree_fd, "/proc-root/etc/passwd", O_RDONLY), -ENOENT, "/proc-root/etc/passwd");
        assert_error(rootfs_open(f->tree_fd, "/proc-cwd", O_PATH), -ENOENT, "/proc-cwd");
        put_dir(f->tree, "proc");
        put_dir(f->tree, "proc/self");
        put_dir(f->tree, "proc/self/root");
        put_file(f->tree, "proc/self/root/marker", "inside");
        assert_is(f, rootfs_open(f->tree_fd, "/proc-root/marker", O_RDONLY), "proc/self/root/marker");

        /* A procfs in the tree: its magic links, to the host's root, the cwd (outside) and an fd
         * on the outside directory. */
        assert_true(proc_self >= 0);
        assert_int_equal(chdir(f->outside), 0);
        _cleanup_close_ int out_fd = open(f->outside, O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(out_fd >= 0);
        snprintf(fd_path, sizeof fd_path, "fd/%d", out_fd);
        assert_error(rootfs_open(proc_self, "root/etc/passwd", O_RDONLY), -ELOOP, "root/etc/passwd");
        assert_error(rootfs_open(proc_self, "cwd", O_PATH), -ELOOP, "cwd");
        assert_error(rootfs_open(proc_self, fd_path, O_PATH), -ELOOP, fd_path);
        assert_error(rootfs_open(proc_self, "cwd/secret", O_RDONLY), -ELOOP, "cwd/secret");
        /* Nothing is created through them either (the teardown checks outside/ is unchanged). */
        assert_error(rootfs_open_target(proc_self, "/cwd/made", ROOTFS_TARGET_DIRECTORY), -ELOOP, "cwd/made");
        assert_error(rootfs_open_target(proc_self, "/cwd/made/deeper", ROOTFS_TARGET_FILE), -ELOOP,
                     "cwd/made/deeper");
        assert_int_equal(chdir("/"), 0);
}

static void test_loops(void **state) {
        struct fixture *f = *state;
        char name[16], target[16];

        assert_error(rootfs_open(f->tree_fd, "/loop-a", O_RDONLY), -ELOOP, "/loop-a");
        assert_error(rootfs_open(f->tree_fd, "/loop-b/x", O_RDONLY), -ELOOP, "/loop-b/x");
        assert_error(rootfs_open(f->tree_fd, "/self", O_RDONLY), -ELOOP, "/self");
        assert_error(rootfs_open_target(f->tree_fd, "/loop-a/x", ROOTFS_TARGET_DIRECTORY), -ELOOP, "/loop-a/x");
        assert_error(rootfs_open_target(f->tree_fd, "/self/x/y", ROOTFS_TARGET_FILE), -ELOOP, "/self/x/y");

        /* A chain longer than the kernel follows (40), each link fine on its own. */
        for (int i = 0; i < 45; i++) {
                snprintf(name, sizeof name, "chain%d", i);
                snprintf(target, sizeof target, i == 44 ? "/etc" : "chain%d", i + 1);
                put_link(f->tree, name, target);
        }
        assert_is(f, rootfs_open(f->tree_fd, "/chain10/passwd", O_RDONLY), "etc/passwd");
        assert_error(rootfs_open(f->tree_fd, "/chain0/passwd", O_RDONLY), -ELOOP, "/chain0/passwd");
}

/* A mount target that is a symlink is refused, whatever it points to: a mount on it would land
 * on its target, which the tree chose. */
static void test_target_final_symlink(void **state) {
        struct fixture *f = *state;
        struct stat st;

        assert_error(rootfs_open_target(f->tree_fd, "/link-dir", ROOTFS_TARGET_DIRECTORY), -ELOOP, "/link-dir");
        assert_error(rootfs_open_target(f->tree_fd, "/link-file", ROOTFS_TARGET_FILE), -ELOOP, "/link-file");
        assert_error(rootfs_open_target(f->tree_fd, "/abs-passwd", ROOTFS_TARGET_FILE), -ELOOP, "/abs-passwd");
        assert_error(rootfs_open_target(f->tree_fd, "/abs-out", ROOTFS_TARGET_DIRECTORY), -ELOOP, "/abs-out");
        assert_error(rootfs_open_target(f->tree_fd, "/proc-root", ROOTFS_TARGET_DIRECTORY), -ELOOP, "/proc-root");
        /* A dangling one is not followed to create what it names. */
        assert_error(rootfs_open_target(f->tree_fd, "/dangling", ROOTFS_TARGET_FILE), -ELOOP, "/dangling");
        assert_error(rootfs_open_target(f->tree_fd, "/dangling/x", ROOTFS_TARGET_DIRECTORY), -ELOOP, "/dangling/x");
        assert_int_equal(fstatat(f->tree_fd, "missing", &st, AT_SYMLINK_NOFOLLOW), -1);
        assert_int_equal(errno, ENOENT);
}

static void test_target_wrong_type(void **state) {
        struct fixture *f = *state;

        assert_error(rootfs_open_target(f->tree_fd, "/file", ROOTFS_TARGET_DIRECTORY), -ENOTDIR, "/file");
        assert_error(rootfs_open_target(f->tree_fd, "/dir", ROOTFS_TARGET_FILE), -EISDIR, "/dir");
        assert_error(rootfs_open_target(f->tree_fd, "/", ROOTFS_TARGET_FILE), -EISDIR, "/");
        assert_error(rootfs_open_target(f->tree_fd, "/file/sub", ROOTFS_TARGET_DIRECTORY), -ENOTDIR, "/file/sub");
        assert_error(rootfs_open_target(f->tree_fd, "/file/sub/deeper", ROOTFS_TARGET_FILE), -ENOTDIR,
                     "/file/sub/deeper");
        assert_is(f, rootfs_open_target(f->tree_fd, "/dir", ROOTFS_TARGET_DIRECTORY), "dir");
        assert_is(f, rootfs_open_target(f->tree_fd, "/etc/passwd", ROOTFS_TARGET_FILE), "etc/passwd");
}

static void assert_made(const struct fixture *f, const char *rel, mode_t type_mode) {
        struct stat st;

        assert_int_equal(fstatat(f->tree_fd, rel, &st, AT_SYMLINK_NOFOLLOW), 0);
        if (st.st_mode != type_mode)
                fail_msg("%s: mode %o, want %o", rel, st.st_mode, type_mode);
        if (S_ISREG(st.st_mode))
                assert_int_equal(st.st_size, 0);
}

/* Missing targets and their missing parents are made, in the tree: 0755 directories and an empty
 * 0644 file, whatever the umask (a caller's 077 would lock the container's users out of a path
 * leading to a mount). */
static void test_target_created(void **state) {
        struct fixture *f = *state;
        mode_t mask = umask(077);

        assert_is(f, rootfs_open_target(f->tree_fd, "/new/a/b/file", ROOTFS_TARGET_FILE), "new/a/b/file");
        assert_made(f, "new", S_IFDIR | 0755);
        assert_made(f, "new/a", S_IFDIR | 0755);
        assert_made(f, "new/a/b", S_IFDIR | 0755);
        assert_made(f, "new/a/b/file", S_IFREG | 0644);
        assert_is(f, rootfs_open_target(f->tree_fd, "/new/a/c", ROOTFS_TARGET_DIRECTORY), "new/a/c");
        assert_made(f, "new/a/c", S_IFDIR | 0755);
        /* Again: found, not made anew. */
        assert_is(f, rootfs_open_target(f->tree_fd, "/new/a/b/file", ROOTFS_TARGET_FILE), "new/a/b/file");
        umask(mask);
}

/* A parent that is a symlink to a directory of the tree is that directory (as it is when the
 * target exists already): /lib -> usr/lib, /var/run -> /run in most trees. */
static void test_target_below_link(void **state) {
        struct fixture *f = *state;

        assert_is(f, rootfs_open_target(f->tree_fd, "/link-dir/new", ROOTFS_TARGET_DIRECTORY), "dir/new");
        assert_is(f, rootfs_open_target(f->tree_fd, "/abs/new/file", ROOTFS_TARGET_FILE), "etc/new/file");
        assert_is(f, rootfs_open_target(f->tree_fd, "/abs/new/file", ROOTFS_TARGET_FILE), "etc/new/file");
        assert_made(f, "etc/new", S_IFDIR | 0755);
        /* But not a dangling one, nor one that is not a directory. */
        assert_error(rootfs_open_target(f->tree_fd, "/dangling/new", ROOTFS_TARGET_FILE), -ELOOP, "/dangling/new");
        assert_error(rootfs_open_target(f->tree_fd, "/link-file/new", ROOTFS_TARGET_FILE), -ENOTDIR, "/link-file/new");
}

/* A path that leaves the tree, through ".." or a link, makes nothing there (the teardown checks
 * outside/ and the rest of the scratch directory) and nothing a later lookup would take for it. */
static void test_target_not_created_outside(void **state) {
        struct fixture *f = *state;
        char *host_path = path_join(f->outside, "made");

        assert_is(f, rootfs_open_target(f->tree_fd, "/../../made-at-root", ROOTFS_TARGET_DIRECTORY), "made-at-root");
        assert_error(rootfs_open_target(f->tree_fd, "/up/made", ROOTFS_TARGET_DIRECTORY), -ELOOP, "/up/made");
        assert_error(rootfs_open_target(f->tree_fd, "/abs-out/made", ROOTFS_TARGET_FILE), -ELOOP, "/abs-out/made");
        assert_is(f, rootfs_open_target(f->tree_fd, host_path, ROOTFS_TARGET_DIRECTORY), host_path + 1);
        free(host_path);
}

/* A path whose last component is "." or ".." names no entry to make: refused, with nothing made
 * on the way. */
static void test_target_bad_names(void **state) {
        struct fixture *f = *state;
        struct stat st;

        assert_error(rootfs_open_target(f->tree_fd, "/missing/..", ROOTFS_TARGET_DIRECTORY), -EINVAL, "/missing/..");
        assert_error(rootfs_open_target(f->tree_fd, "/missing/.", ROOTFS_TARGET_DIRECTORY), -EINVAL, "/missing/.");
        assert_error(rootfs_open_target(f->tree_fd, "/missing/", ROOTFS_TARGET_DIRECTORY), -EINVAL, "/missing/");
        assert_error(rootfs_open_target(f->tree_fd, "missing", ROOTFS_TARGET_DIRECTORY), -EINVAL, "missing");
        assert_int_equal(fstatat(f->tree_fd, "missing", &st, AT_SYMLINK_NOFOLLOW), -1);
        assert_int_equal(errno, ENOENT);
}

int main(void) {
        /* As root (CI runs the unit suite as root), a regression that resolved these paths on the
         * host would make directories in the host's /: as nobody it fails instead. Dumpable again,
         * so that the process may look into its own /proc/self. */
        if (geteuid() == 0 && (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
                               setresuid(65534, 65534, 65534) < 0 || prctl(PR_SET_DUMPABLE, 1) < 0)) {
                perror("test-rootfs: dropping root");
                return 1;
        }

        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_open_inside, setup, teardown),
                cmocka_unit_test_setup_teardown(test_absolute_links, setup, teardown),
                cmocka_unit_test_setup_teardown(test_dotdot, setup, teardown),
                cmocka_unit_test_setup_teardown(test_magic_links, setup, teardown),
                cmocka_unit_test_setup_teardown(test_loops, setup, teardown),
                cmocka_unit_test_setup_teardown(test_target_final_symlink, setup, teardown),
                cmocka_unit_test_setup_teardown(test_target_wrong_type, setup, teardown),
                cmocka_unit_test_setup_teardown(test_target_created, setup, teardown),
                cmocka_unit_test_setup_teardown(test_target_below_link, setup, teardown),
                cmocka_unit_test_setup_teardown(test_target_not_created_outside, setup, teardown),
                cmocka_unit_test_setup_teardown(test_target_bad_names, setup, teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
