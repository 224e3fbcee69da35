/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "capture.h"
#include "tmpdir.h"
#include "core/userns-range.h"

/* systemd's container range, which every picked range must stay in (UIDS-GIDS.md). */
#define CONTAINER_FIRST UINT32_C(524288)
#define CONTAINER_LAST UINT32_C(1879048191)

static const struct private_users pick = { .mode = PRIVATE_USERS_PICK };

static void check_parse(const char *value, enum private_users_mode mode, uint32_t base, uint32_t count) {
        struct private_users pu = { .mode = PRIVATE_USERS_UNSET, .base = 7, .count = 7 };
        const char *problem = NULL;

        assert_int_equal(private_users_parse(value, &pu, &problem), 0);
        assert_null(problem);
        assert_int_equal(pu.mode, mode);
        assert_int_equal(pu.base, base);
        assert_int_equal(pu.count, count);
}

static void test_parse_words(void **state) {
        check_parse("no", PRIVATE_USERS_NO, 0, 0);
        check_parse("false", PRIVATE_USERS_NO, 0, 0);
        check_parse("yes", PRIVATE_USERS_PICK, 0, 0);
        check_parse("true", PRIVATE_USERS_PICK, 0, 0);
        check_parse("pick", PRIVATE_USERS_PICK, 0, 0);
        check_parse("identity", PRIVATE_USERS_IDENTITY, 0, 0);
}

static void test_parse_ranges(void **state) {
        check_parse("0", PRIVATE_USERS_FIXED, 0, 65536);
        check_parse("524288", PRIVATE_USERS_FIXED, 524288, 65536);
        check_parse("1879048192:65536", PRIVATE_USERS_FIXED, 1879048192, 65536);
        check_parse("1000:1", PRIVATE_USERS_FIXED, 1000, 1);
        check_parse("00100:0010", PRIVATE_USERS_FIXED, 100, 10);
        /* the last ID a map may reach is 4294967294 */
        check_parse("4294901759", PRIVATE_USERS_FIXED, 4294901759, 65536);
        check_parse("4294967294:1", PRIVATE_USERS_FIXED, 4294967294, 1);
        check_parse("0:4294967295", PRIVATE_USERS_FIXED, 0, 4294967295);
}

/* `expected` is a word the problem must contain, so that each kind of mistake gets its own fix. */
static void check_bad(const char *value, const char *expected) {
        struct private_users pu = {};
        const char *problem = NULL;

        assert_int_equal(private_users_parse(value, &pu, &problem), -EINVAL);
        assert_non_null(problem);
        if (!strstr(problem, expected))
                fail_msg("\"%s\": problem \"%s\" lacks \"%s\"", value, problem, expected);
        assert_int_equal(pu.mode, PRIVATE_USERS_UNSET);
}

static void test_parse_bad(void **state) {
        static const char *const not_numbers[] = {
                "", "maybe", "Pick", "PICK", "pick:1", "identity:5", "-1", "+5", " 5", "5 ", "0x10", "1e3",
                "5:", ":5", ":", "5:-1", "5:+1", "1:2:3", "5:abc", "5:1x", "١٢", "5\n",
        };

        for (size_t i = 0; i < sizeof not_numbers / sizeof not_numbers[0]; i++)
                check_bad(not_numbers[i], "decimal BASE");
        check_bad("5:0", "at least 1");
        check_bad("0:0", "at least 1");
        check_bad("4294967295", "4294967294");
        check_bad("4294967295:1", "4294967294");
        check_bad("4294967294:2", "4294967294");
        check_bad("4294901760", "4294967294");
        check_bad("0:4294967296", "4294967294");
        check_bad("4294967296:1", "4294967294");
        check_bad("99999999999999999999999999:1", "4294967294");
        check_bad("1:99999999999999999999999999", "4294967294");
}

/* A runtime directory that does not exist yet, inside a scratch directory. */
struct fixture {
        char *tmp;
        char *runtime;
};

static int setup(void **state) {
        struct fixture *f = calloc(1, sizeof *f);

        assert_non_null(f);
        f->tmp = tmpdir_new();
        f->runtime = path_join(f->tmp, "run");
        *state = f;
        return 0;
}

static int teardown(void **state) {
        struct fixture *f = *state;

        tmpdir_free(f->tmp);
        free(f->runtime);
        free(f);
        return 0;
}

static char *lease_path(const struct fixture *f, uint32_t base, uint32_t count) {
        char *p = NULL;

        assert_true(asprintf(&p, "%s/userns/%" PRIu32 "-%" PRIu32, f->runtime, base, count) > 0);
        return p;
}

/* 1 if someone holds the file's lock, 0 if not, -ENOENT if it does not exist. */
static int lease_file_locked(const struct fixture *f, uint32_t base, uint32_t count) {
        char *path = lease_path(f, base, count);
        int fd = open(path, O_RDONLY | O_CLOEXEC), r;

        free(path);
        if (fd < 0)
                return -errno;
        r = flock(fd, LOCK_EX | LOCK_NB) < 0 ? 1 : 0;
        assert_true(r == 0 || errno == EWOULDBLOCK);
        close(fd);
        return r;
}

static void check_picked(const struct userns_lease *l) {
        assert_int_equal(l->count, 65536);
        assert_int_equal(l->base % 65536, 0);
        assert_true(l->base >= CONTAINER_FIRST);
        assert_true(l->base + (l->count - 1) <= CONTAINER_LAST);
        assert_true(l->lock_fd >= 0);
}

static void test_identity_and_no(void **state) {
        struct fixture *f = *state;
        struct userns_lease l;
        struct stat st;

        assert_int_equal(userns_lease_acquire(&(struct private_users) { .mode = PRIVATE_USERS_IDENTITY }, "web",
                                              f->runtime, &l), 0);
        assert_int_equal(l.base, 0);
        assert_int_equal(l.count, 65536);
        assert_int_equal(l.lock_fd, -EBADF);
        userns_lease_release(&l);

        assert_int_equal(userns_lease_acquire(&(struct private_users) { .mode = PRIVATE_USERS_NO }, "web",
                                              f->runtime, &l), 0);
        assert_int_equal(l.count, 0);
        userns_lease_release(&l);

        /* neither needs a lease, so nothing is created */
        assert_int_equal(stat(f->runtime, &st), -1);
        assert_int_equal(errno, ENOENT);

        assert_int_equal(userns_lease_acquire(&(struct private_users) {}, "web", f->runtime, &l), -EINVAL);
}

static void test_pick_stable(void **state) {
        struct fixture *f = *state;
        struct userns_lease l = USERNS_LEASE_NULL;
        char *other_runtime = path_join(f->tmp, "other");
        uint32_t base;
        struct stat st;
        char buf[16] = {};
        char *path;
        int fd;

        assert_int_equal(userns_lease_acquire(&pick, "web", f->runtime, &l), 0);
        check_picked(&l);
        base = l.base;

        assert_int_equal(stat(f->runtime, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0700);
        path = lease_path(f, base, 65536);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(read(fd, buf, sizeof buf - 1), 4);
        assert_string_equal(buf, "web\n");
        close(fd);
        assert_int_equal(lease_file_locked(f, base, 65536), 1);

        userns_lease_release(&l);
        assert_int_equal(l.lock_fd, -EBADF);
        assert_int_equal(access(path, F_OK), -1);
        userns_lease_release(&l); /* twice is harmless */

        /* a restart, and a host that never saw the name, give the same range */
        assert_int_equal(userns_lease_acquire(&pick, "web", f->runtime, &l), 0);
        assert_int_equal(l.base, base);
        userns_lease_release(&l);
        assert_int_equal(userns_lease_acquire(&pick, "web", other_runtime, &l), 0);
        assert_int_equal(l.base, base);
        userns_lease_release(&l);

        free(other_runtime);
        free(path);
}

static void test_pick_names_spread(void **state) {
        struct fixture *f = *state;
        static const char *const names[] = { "web", "db", "cache", "mail", "a", "b" };
        uint32_t bases[6];
        size_t distinct = 0;

        for (size_t i = 0; i < 6; i++) {
                struct userns_lease l;

                assert_int_equal(userns_lease_acquire(&pick, names[i], f->runtime, &l), 0);
                check_picked(&l);
                bases[i] = l.base;
                userns_lease_release(&l);
        }
        /* released each time, so only the name chose: six names in 28664 slots do not all collide */
        for (size_t i = 0; i < 6; i++) {
                bool seen = false;

                for (size_t j = 0; j < i; j++)
                        seen = seen || bases[j] == bases[i];
                distinct += !seen;
        }
        assert_true(distinct >= 5);
}

static void test_two_leases_disjoint(void **state) {
        struct fixture *f = *state;
        _cleanup_userns_lease_ struct userns_lease a = USERNS_LEASE_NULL, b = USERNS_LEASE_NULL;

        assert_int_equal(userns_lease_acquire(&pick, "web", f->runtime, &a), 0);
        assert_int_equal(userns_lease_acquire(&pick, "web", f->runtime, &b), 0);
        check_picked(&a);
        check_picked(&b);
        assert_false(userns_ranges_overlap(a.base, a.count, b.base, b.count));
        /* linear probing: the next slot, wrapping at the end of the container range */
        assert_int_equal(b.base, a.base + 65536 > CONTAINER_LAST ? CONTAINER_FIRST : a.base + 65536);
        assert_int_equal(lease_file_locked(f, a.base, 65536), 1);
        assert_int_equal(lease_file_locked(f, b.base, 65536), 1);
}

/* The lease files in the runtime directory, but for the directory lock's. */
static size_t count_lease_files(const struct fixture *f) {
        char *dir = path_join(f->runtime, "userns");
        DIR *d = opendir(dir);
        struct dirent *de;
        size_t n = 0;

        assert_non_null(d);
        while ((de = readdir(d)))
                n += de->d_name[0] != '.';
        closedir(d);
        free(dir);
        return n;
}

static void check_fixed(const struct fixture *f, uint32_t base, uint32_t count, int expected) {
        struct private_users pu = { .mode = PRIVATE_USERS_FIXED, .base = base, .count = count };
        size_t before = count_lease_files(f);
        struct userns_lease l;

        assert_int_equal(userns_lease_acquire(&pu, "fixed", f->runtime, &l), expected);
        if (expected == 0) {
                assert_int_equal(l.base, base);
                assert_int_equal(l.count, count);
                assert_int_equal(lease_file_locked(f, base, count), 1);
                assert_int_equal(count_lease_files(f), before + 1);
        } else {
                assert_int_equal(l.lock_fd, -EBADF);
                assert_int_equal(count_lease_files(f), before);
        }
        userns_lease_release(&l);
        assert_int_equal(count_lease_files(f), before);
}

static void test_fixed_overlap_refused(void **state) {
        struct fixture *f = *state;
        _cleanup_userns_lease_ struct userns_lease a = USERNS_LEASE_NULL, b = USERNS_LEASE_NULL;
        struct private_users pu = { .mode = PRIVATE_USERS_FIXED };
        char *text, *expected = NULL;
        struct capture cap;
        int r;

        assert_int_equal(userns_lease_acquire(&pick, "web", f->runtime, &a), 0);

        check_fixed(f, a.base + 100, 10, -EBUSY);
        check_fixed(f, a.base - 10, 11, -EBUSY);
        check_fixed(f, a.base + 65535, 7, -EBUSY);
        check_fixed(f, a.base, 65536, -EBUSY);
        check_fixed(f, 0, 4294967295, -EBUSY);
        check_fixed(f, a.base - 10, 10, 0);  /* ends right below */
        check_fixed(f, a.base + 65536, 1, 0); /* starts right above */

        pu.base = a.base + 1000;
        pu.count = 1;
        capture_start(&cap, STDERR_FILENO);
        r = userns_lease_acquire(&pu, "late", f->runtime, &b);
        text = capture_stop(&cap);
        assert_int_equal(r, -EBUSY);
        assert_true(asprintf(&expected, "syscon: Invalid --private-users= value \"%" PRIu32 ":1\": the ID range %"
                             PRIu32 "..%" PRIu32 " overlaps the range %" PRIu32 "..%" PRIu32 " of running "
                             "machine web (lease %s/userns/%" PRIu32 "-65536); give a range clear of it, or "
                             "--private-users=pick.\n", pu.base, pu.base, pu.base, a.base, a.base + 65535,
                             f->runtime, a.base) > 0);
        assert_string_equal(text, expected);
        free(text);
        free(expected);

        /* a held fixed range, not aligned, keeps a pick off every slot it touches */
        pu = (struct private_users) { .mode = PRIVATE_USERS_FIXED, .base = a.base + 65535, .count = 2 };
        userns_lease_release(&a);
        assert_int_equal(userns_lease_acquire(&pu, "fixed", f->runtime, &b), 0);
        assert_int_equal(userns_lease_acquire(&pick, "web", f->runtime, &a), 0);
        check_picked(&a);
        assert_false(userns_ranges_overlap(a.base, a.count, b.base, b.count));
        assert_int_equal(a.base, b.base + 65536 + 1);
}

static void test_stale_reused(void **state) {
        struct fixture *f = *state;
        struct userns_lease l;
        uint32_t base;
        char *path, *junk;
        int fd;

        assert_int_equal(userns_lease_acquire(&pick, "web", f->runtime, &l), 0);
        base = l.base;
        userns_lease_release(&l);

        /* what a killed syscon leaves behind: its file, with nobody holding the lock */
        path = lease_path(f, base, 65536);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(lease_file_locked(f, base, 65536), 0);
        /* names that are no lease are left alone */
        junk = path_join(f->runtime, "userns/README");
        fd = open(junk, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        assert_int_equal(flock(fd, LOCK_EX), 0);

        assert_int_equal(userns_lease_acquire(&pick, "web", f->runtime, &l), 0);
        assert_int_equal(l.base, base);
        assert_int_equal(lease_file_locked(f, base, 65536), 1);
        userns_lease_release(&l);
        assert_int_equal(access(path, F_OK), -1);
        assert_int_equal(access(junk, F_OK), 0);

        close(fd);
        free(junk);
        free(path);
}

/* How many leases a set of processes acquire at the same moment, for the same name. */
#define RACERS 12

/* What a racer reports: its lease's base, or the error. */
struct race_result {
        int r;
        uint32_t base;
};

static void racer(int go_fd, int result_fd, int hold_fd, const char *runtime) {
        struct userns_lease l = USERNS_LEASE_NULL;
        struct race_result res = {};
        char c;

        /* all start when the parent closes the go pipe */
        res.r = read(go_fd, &c, 1) == 0 ? userns_lease_acquire(&pick, "race", runtime, &l) : -EIO;
        res.base = l.base;
        /* always one report, so that the parent never waits for one that will not come */
        if (write(result_fd, &res, sizeof res) != sizeof res)
                _exit(2);
        /* hold the lease until the parent has seen all of them */
        if (read(hold_fd, &c, 1) != 0)
                _exit(3);
        userns_lease_release(&l);
        _exit(0);
}

static void test_concurrent_acquire(void **state) {
        struct fixture *f = *state;
        int go[2], result[2], hold[2], status;
        struct race_result res[RACERS];
        pid_t pids[RACERS];

        assert_int_equal(pipe2(go, O_CLOEXEC), 0);
        assert_int_equal(pipe2(result, O_CLOEXEC), 0);
        assert_int_equal(pipe2(hold, O_CLOEXEC), 0);
        for (size_t i = 0; i < RACERS; i++) {
                pids[i] = fork();
                assert_true(pids[i] >= 0);
                if (pids[i] == 0) {
                        close(go[1]);
                        close(hold[1]);
                        racer(go[0], result[1], hold[0], f->runtime);
                }
        }
        close(go[0]);
        close(result[1]);
        close(hold[0]);
        close(go[1]);

        size_t n_held = 0;
        for (size_t i = 0; i < RACERS; i++) {
                assert_int_equal(read(result[0], &res[i], sizeof res[i]), sizeof res[i]);
                n_held += res[i].r == 0 && lease_file_locked(f, res[i].base, 65536) == 1;
        }
        /* let them all go before checking, so that a failed check leaves no process behind */
        close(hold[1]);
        close(result[0]);
        for (size_t i = 0; i < RACERS; i++) {
                assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
                assert_true(WIFEXITED(status));
                assert_int_equal(WEXITSTATUS(status), 0);
        }

        for (size_t i = 0; i < RACERS; i++) {
                struct userns_lease l = { .base = res[i].base, .count = 65536, .lock_fd = 0 };

                assert_int_equal(res[i].r, 0);
                check_picked(&l);
                for (size_t j = 0; j < i; j++)
                        assert_false(userns_ranges_overlap(res[i].base, 65536, res[j].base, 65536));
        }
        assert_int_equal(n_held, RACERS);
        /* every lease went at release */
        assert_int_equal(count_lease_files(f), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_words),
                cmocka_unit_test(test_parse_ranges),
                cmocka_unit_test(test_parse_bad),
                cmocka_unit_test_setup_teardown(test_identity_and_no, setup, teardown),
                cmocka_unit_test_setup_teardown(test_pick_stable, setup, teardown),
                cmocka_unit_test_setup_teardown(test_pick_names_spread, setup, teardown),
                cmocka_unit_test_setup_teardown(test_two_leases_disjoint, setup, teardown),
                cmocka_unit_test_setup_teardown(test_fixed_overlap_refused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_stale_reused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_concurrent_acquire, setup, teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
