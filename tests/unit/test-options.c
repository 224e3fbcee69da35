/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "capture.h"
#include "settings/merge.h"
#include "settings/option-table.h"
#include "settings/options.h"

/* The longest host name the kernel takes, and one byte more. */
#define NAME_64 "aaaaaaaaaa.aaaaaaaaaa.aaaaaaaaaa.aaaaaaaaaa.aaaaaaaaaa.aaaaaaaaa"
#define NAME_65 NAME_64 "a"

static int parse_verb(enum verb verb, struct config *c, char **argv) {
        int argc = 0;

        while (argv[argc])
                argc++;
        return options_parse(verb, argc, argv, c);
}

/* argv[0] is the verb word, as main() passes it. */
#define PARSE(c, ...) parse_verb(VERB_RUN, (c), (char *[]) { "run", __VA_ARGS__, NULL })
#define PARSE_OK(c, ...) assert_int_equal(PARSE(c, __VA_ARGS__), 0)

static void check_fails(char **argv) {
        struct config c = {};

        assert_int_equal(parse_verb(VERB_RUN, &c, argv), -EINVAL);
        config_done(&c);
}
#define FAILS(...) check_fails((char *[]) { "run", __VA_ARGS__, NULL })

static void check_strv(char **l, size_t n, const char *const *expected, size_t n_expected) {
        assert_int_equal(n, n_expected);
        assert_non_null(l);
        for (size_t i = 0; i < n_expected; i++)
                assert_string_equal(l[i], expected[i]);
        assert_null(l[n_expected]);
}
#define CHECK_STRV(l, n, ...)                                                          \
        check_strv((l), (n), (const char *const[]) { __VA_ARGS__ },                   \
                   sizeof((const char *const[]) { __VA_ARGS__ }) / sizeof(const char *))
#define CHECK_STRV_EMPTY(l, n) check_strv((l), (n), NULL, 0)

static void check_mount(const struct custom_mount *m, enum custom_mount_type type, const char *source,
                        const char *target, const char *options, bool recursive) {
        assert_int_equal(m->type, type);
        if (source)
                assert_string_equal(m->source, source);
        else
                assert_null(m->source);
        assert_string_equal(m->target, target);
        if (options)
                assert_string_equal(m->options, options);
        else
                assert_null(m->options);
        assert_int_equal(m->recursive, recursive);
}

/* Parses one mount option before the tree and checks the single mount it yields. */
static void check_one_mount(const char *arg, enum custom_mount_type type, const char *source,
                            const char *target, const char *options, bool recursive) {
        struct config c = {};

        assert_int_equal(parse_verb(VERB_RUN, &c, (char *[]) { "run", (char *) arg, "/tree", NULL }), 0);
        assert_string_equal(c.rootfs, "/tree");
        assert_int_equal(c.n_mounts, 1);
        check_mount(c.mounts, type, source, target, options, recursive);
        config_done(&c);
}

static void test_defaults(void **state) {
        struct config c = {};

        PARSE_OK(&c, "/srv/tree");
        assert_int_equal(c.verb, VERB_RUN);
        assert_string_equal(c.rootfs, "/srv/tree");
        assert_null(c.machine);
        assert_null(c.hostname);
        assert_null(c.setenv);
        assert_int_equal(c.n_setenv, 0);
        assert_null(c.working_directory);
        assert_null(c.user);
        assert_null(c.mounts);
        assert_int_equal(c.n_mounts, 0);
        assert_false(c.read_only);
        assert_int_equal(c.console, CONSOLE_AUTO);
        assert_int_equal(c.kill_signal, 0);
        assert_false(c.quiet);
        assert_false(c.network.private_network);
        assert_int_equal(c.private_users.mode, PRIVATE_USERS_UNSET);
        assert_int_equal(c.private_users_ownership, PRIVATE_USERS_OWNERSHIP_AUTO);
        CHECK_STRV_EMPTY(c.argv, c.argc);
        config_done(&c);
        assert_null(c.rootfs);
        assert_null(c.argv);
}

static void test_command_keeps_its_options(void **state) {
        struct config c = {};

        PARSE_OK(&c, "-q", "/tree", "ls", "-la", "--help", "-M", "x", "--", "--bind=/a");
        assert_true(c.quiet);
        assert_null(c.machine);
        assert_int_equal(c.n_mounts, 0);
        CHECK_STRV(c.argv, c.argc, "ls", "-la", "--help", "-M", "x", "--", "--bind=/a");
        config_done(&c);

        /* an option after the tree belongs to the command, even one of ours */
        PARSE_OK(&c, "/tree", "--private-network");
        assert_false(c.network.private_network);
        CHECK_STRV(c.argv, c.argc, "--private-network");
        config_done(&c);
}

static void test_double_dash(void **state) {
        struct config c = {};

        PARSE_OK(&c, "/tree", "--", "ls", "-la");
        assert_string_equal(c.rootfs, "/tree");
        CHECK_STRV(c.argv, c.argc, "ls", "-la");
        config_done(&c);

        PARSE_OK(&c, "--", "/tree", "ls");
        assert_string_equal(c.rootfs, "/tree");
        CHECK_STRV(c.argv, c.argc, "ls");
        config_done(&c);

        /* only the first "--" after the tree is ours */
        PARSE_OK(&c, "--", "/tree", "--", "--", "x");
        CHECK_STRV(c.argv, c.argc, "--", "x");
        config_done(&c);

        PARSE_OK(&c, "/tree", "--");
        CHECK_STRV_EMPTY(c.argv, c.argc);
        config_done(&c);

        /* a tree whose name looks like an option, after "--" */
        PARSE_OK(&c, "--", "-tree", "-x");
        assert_string_equal(c.rootfs, "-tree");
        CHECK_STRV(c.argv, c.argc, "-x");
        config_done(&c);
}

static void test_directory(void **state) {
        struct config c = {};

        PARSE_OK(&c, "-D", "/tree", "ls", "-la");
        assert_string_equal(c.rootfs, "/tree");
        CHECK_STRV(c.argv, c.argc, "ls", "-la");
        config_done(&c);

        PARSE_OK(&c, "--directory=/tree", "--", "/bin/sh", "-c", "echo hi");
        assert_string_equal(c.rootfs, "/tree");
        CHECK_STRV(c.argv, c.argc, "/bin/sh", "-c", "echo hi");
        config_done(&c);

        /* with -D every positional is the command, even one that looks like a tree */
        PARSE_OK(&c, "-D", "/tree", "/other", "--");
        CHECK_STRV(c.argv, c.argc, "/other", "--");
        config_done(&c);

        PARSE_OK(&c, "-D/first", "--directory", "/second");
        assert_string_equal(c.rootfs, "/second");
        CHECK_STRV_EMPTY(c.argv, c.argc);
        config_done(&c);

        FAILS("-D", "", "ls");
        FAILS("--directory=", "ls");
}

static void test_missing_rootfs(void **state) {
        check_fails((char *[]) { "run", NULL });
        FAILS("-q");
        FAILS("--");
        FAILS("-q", "--");
        FAILS("");
        FAILS("", "ls");
}

static void test_unknown_option(void **state) {
        FAILS("--foo", "/tree");
        FAILS("--foo=bar", "/tree");
        FAILS("-x", "/tree");
        FAILS("-qx", "/tree");
        FAILS("--quiet=yes", "/tree");
        FAILS("--read-only=no", "/tree");
        /* ambiguous: --private-network or --pipe */
        FAILS("--p", "/tree");
}

static void test_missing_argument(void **state) {
        FAILS("--machine");
        FAILS("-M");
        FAILS("-q", "-D");
        FAILS("--bind");
        FAILS("--tmpfs");
        FAILS("--kill-signal");
        FAILS("-E");
        FAILS("--private-users");
        FAILS("--private-users-ownership");
}

static void test_machine(void **state) {
        struct config c = {};

        PARSE_OK(&c, "-M", "web-1", "/tree");
        assert_string_equal(c.machine, "web-1");
        config_done(&c);

        PARSE_OK(&c, "--machine=old", "--machine=db.prod", "/tree");
        assert_string_equal(c.machine, "db.prod");
        config_done(&c);

        PARSE_OK(&c, "--machine=" NAME_64, "/tree");
        assert_string_equal(c.machine, NAME_64);
        config_done(&c);

        FAILS("-M", "-web", "/tree");
        FAILS("--machine=" NAME_64 ".", "/tree");
        FAILS("--machine=web-", "/tree");
        FAILS("--machine=a.-b", "/tree");
        FAILS("--machine=", "/tree");
        FAILS("--machine=a..b", "/tree");
        FAILS("--machine=web.", "/tree");
        FAILS("--machine=my_tree", "/tree");
        FAILS("--machine=a/b", "/tree");
        FAILS("--machine=" NAME_65, "/tree");
}

static void test_hostname(void **state) {
        struct config c = {};

        PARSE_OK(&c, "--hostname", "web.example.com", "/tree");
        assert_string_equal(c.hostname, "web.example.com");
        assert_null(c.machine);
        config_done(&c);

        PARSE_OK(&c, "--hostname=" NAME_64, "/tree");
        assert_int_equal(strlen(c.hostname), 64);
        assert_string_equal(c.hostname, NAME_64);
        config_done(&c);

        assert_int_equal(strlen(NAME_65), 65);
        FAILS("--hostname=" NAME_65, "/tree");
        FAILS("--hostname=-web", "/tree");
        FAILS("--hostname=web.-x", "/tree");
        FAILS("--hostname=web-", "/tree");
        FAILS("--hostname=", "/tree");
        FAILS("--hostname=.web", "/tree");
        FAILS("--hostname=we b", "/tree");
}

static void test_setenv(void **state) {
        struct config c = {};

        PARSE_OK(&c, "-E", "A=1", "-EB=", "--setenv=A=2", "--setenv", "_x9=y=z", "/tree");
        CHECK_STRV(c.setenv, c.n_setenv, "A=1", "B=", "A=2", "_x9=y=z");
        config_done(&c);

        FAILS("-E", "1A=x", "/tree");
        FAILS("-E", "=x", "/tree");
        FAILS("-E", "", "/tree");
        FAILS("-E", "A-B=x", "/tree");
        FAILS("-E", "A B=x", "/tree");
        FAILS("-E", "A.B", "/tree");
        FAILS("--setenv=\xc3\xa9=x", "/tree");
}

static void test_setenv_from_host(void **state) {
        struct config c = {};

        assert_int_equal(setenv("SYSCON_TEST_HOST_VAR", "from host=1", 1), 0);
        PARSE_OK(&c, "-E", "X=0", "-E", "SYSCON_TEST_HOST_VAR", "/tree");
        assert_int_equal(settings_merge(&c), 0);
        CHECK_STRV(c.setenv, c.n_setenv, "X=0", "SYSCON_TEST_HOST_VAR=from host=1");
        config_done(&c);

        assert_int_equal(setenv("SYSCON_TEST_HOST_VAR", "", 1), 0);
        PARSE_OK(&c, "--setenv=SYSCON_TEST_HOST_VAR", "/tree");
        assert_int_equal(settings_merge(&c), 0);
        CHECK_STRV(c.setenv, c.n_setenv, "SYSCON_TEST_HOST_VAR=");
        config_done(&c);
}

/* Parsing reads neither the environment nor files: what needs them waits for settings_merge(),
 * which reports what is missing with the message parsing used to give. */
static void test_parse_is_pure(void **state) {
        struct config c = {};
        struct capture cap;
        char *text;

        assert_int_equal(unsetenv("SYSCON_TEST_HOST_VAR"), 0);
        PARSE_OK(&c, "-E", "SYSCON_TEST_HOST_VAR", "-E", "A=1", "--profile=/nonexistent/p.conf", "/tree");
        CHECK_STRV(c.setenv, c.n_setenv, "SYSCON_TEST_HOST_VAR", "A=1");
        assert_string_equal(c.security.profile, "/nonexistent/p.conf");

        capture_start(&cap, STDERR_FILENO);
        assert_int_equal(settings_merge(&c), -EINVAL);
        text = capture_stop(&cap);
        assert_string_equal(text, "syscon: Invalid --setenv= value \"SYSCON_TEST_HOST_VAR\": the host has no "
                            "variable SYSCON_TEST_HOST_VAR to copy; give a value, as in "
                            "--setenv=SYSCON_TEST_HOST_VAR=VALUE.\n");
        free(text);
        config_done(&c);

        /* the profile is read by the merge too, after the environment */
        PARSE_OK(&c, "--profile=/nonexistent/p.conf", "/tree");
        capture_start(&cap, STDERR_FILENO);
        assert_int_equal(settings_merge(&c), -EINVAL);
        text = capture_stop(&cap);
        assert_string_equal(text, "syscon: Failed to open the profile /nonexistent/p.conf: No such file or "
                            "directory\n");
        free(text);
        config_done(&c);
}

static void test_chdir(void **state) {
        struct config c = {};

        PARSE_OK(&c, "--chdir=/srv/app", "/tree");
        assert_string_equal(c.working_directory, "/srv/app");
        config_done(&c);

        FAILS("--chdir=srv/app", "/tree");
        FAILS("--chdir=./app", "/tree");
        FAILS("--chdir=", "/tree");
}

static void test_user(void **state) {
        struct config c = {};

        PARSE_OK(&c, "-u", "daemon", "/tree");
        assert_string_equal(c.user, "daemon");
        config_done(&c);

        PARSE_OK(&c, "--user=1000", "/tree");
        assert_string_equal(c.user, "1000");
        config_done(&c);

        FAILS("--user=", "/tree");
        FAILS("--user=a:b", "/tree");
        FAILS("--user=a/b", "/tree");
        FAILS("--user=a b", "/tree");
        FAILS("--user=a\tb", "/tree");
        FAILS("--user=a\n", "/tree");
        FAILS("--user=\x7f", "/tree");
}

static void test_bind(void **state) {
        check_one_mount("--bind=/srv/data", CUSTOM_MOUNT_BIND, "/srv/data", "/srv/data", NULL, true);
        check_one_mount("--bind=/srv/data:/data", CUSTOM_MOUNT_BIND, "/srv/data", "/data", NULL, true);
        check_one_mount("--bind=//srv//data/./:/data/x/", CUSTOM_MOUNT_BIND, "/srv/data", "/data/x", NULL, true);
        check_one_mount("--bind=/srv/./data/.", CUSTOM_MOUNT_BIND, "/srv/data", "/srv/data", NULL, true);
        check_one_mount("--bind=/:/host", CUSTOM_MOUNT_BIND, "/", "/host", NULL, true);
        check_one_mount("--bind=/srv/a\\:b:/mnt/c\\:d", CUSTOM_MOUNT_BIND, "/srv/a:b", "/mnt/c:d", NULL, true);
        check_one_mount("--bind=/srv/a\\:b", CUSTOM_MOUNT_BIND, "/srv/a:b", "/srv/a:b", NULL, true);
        check_one_mount("--bind=/srv/a\\b:/c", CUSTOM_MOUNT_BIND, "/srv/a\\b", "/c", NULL, true);
        check_one_mount("--bind=/a:/b:norbind", CUSTOM_MOUNT_BIND, "/a", "/b", NULL, false);
        check_one_mount("--bind=/a:/b:rbind", CUSTOM_MOUNT_BIND, "/a", "/b", NULL, true);
        check_one_mount("--bind=/a:/b:rbind,norbind", CUSTOM_MOUNT_BIND, "/a", "/b", NULL, false);
        check_one_mount("--bind=/a:/b:norbind,rbind", CUSTOM_MOUNT_BIND, "/a", "/b", NULL, true);
        check_one_mount("--bind=/a:/b:", CUSTOM_MOUNT_BIND, "/a", "/b", NULL, true);
        check_one_mount("--bind=/a::norbind", CUSTOM_MOUNT_BIND, "/a", "/a", NULL, false);
        check_one_mount("--bind=/a:", CUSTOM_MOUNT_BIND, "/a", "/a", NULL, true);
        check_one_mount("--bind=/a/..b/...:/c", CUSTOM_MOUNT_BIND, "/a/..b/...", "/c", NULL, true);
}

static void test_bind_ro(void **state) {
        check_one_mount("--bind-ro=/etc/resolv.conf", CUSTOM_MOUNT_BIND_READ_ONLY, "/etc/resolv.conf",
                        "/etc/resolv.conf", NULL, true);
        check_one_mount("--bind-ro=/srv//x/:/y:norbind", CUSTOM_MOUNT_BIND_READ_ONLY, "/srv/x", "/y", NULL, false);
        check_one_mount("--bind-ro=/a\\:1:/b\\:2:rbind", CUSTOM_MOUNT_BIND_READ_ONLY, "/a:1", "/b:2", NULL, true);
}

/* As nspawn: a bind is ID-mapped only when asked. */
static void test_bind_idmap(void **state) {
        static const struct {
                const char *arg;
                bool idmap;
        } cases[] = {
                { "--bind=/a", false },
                { "--bind=/a:/b", false },
                { "--bind=/a:/b:norbind", false },
                { "--bind=/a:/b:idmap", true },
                { "--bind=/a::idmap,norbind", true },
                { "--bind=/a:/b:noidmap", false },
                { "--bind=/a:/b:noidmap,idmap", true },
                { "--bind=/a:/b:idmap,noidmap", false },
                { "--bind-ro=/a", false },
                { "--bind-ro=/a:/b:idmap", true },
        };

        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                struct config c = {};

                PARSE_OK(&c, (char *) cases[i].arg, "/tree");
                assert_int_equal(c.n_mounts, 1);
                if (c.mounts[0].idmap != cases[i].idmap)
                        fail_msg("%s: idmap is %d", cases[i].arg, c.mounts[0].idmap);
                config_done(&c);
        }
}

static void test_bind_invalid(void **state) {
        static const char *const bad[] = {
                "foo:bar",        /* relative source */
                "foo",
                ":/dst",          /* empty source */
                "/a:bar",         /* relative destination */
                "/a/../b:/c",     /* ".." in the source */
                "..:/c",
                "/a:/c/..",       /* ".." in the destination */
                "/a:/c/../d",
                "/a:/",           /* the container's root as destination */
                "/a://",
                "/a:/./.",
                "/",              /* destination defaults to the source */
                "/a:/b:ro",       /* unknown option */
                "/a:/b:rbind,ro",
                "/a:/b:rbind,",   /* empty option word */
                "/a:/b:,norbind",
                "/a:/b:norbind:x", /* too many fields */
                "/a:/b:c:d",
                "/a\\:b:c",       /* the escaped colon does not separate: "c" is the destination */
        };

        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                char *bind = NULL, *bind_ro = NULL;

                assert_true(asprintf(&bind, "--bind=%s", bad[i]) > 0);
                assert_true(asprintf(&bind_ro, "--bind-ro=%s", bad[i]) > 0);
                FAILS(bind, "/tree");
                FAILS(bind_ro, "/tree");
                free(bind);
                free(bind_ro);
        }
}

static void test_tmpfs(void **state) {
        check_one_mount("--tmpfs=/tmp", CUSTOM_MOUNT_TMPFS, NULL, "/tmp", "mode=0755", false);
        check_one_mount("--tmpfs=/run//x/:size=10M,mode=1777", CUSTOM_MOUNT_TMPFS, NULL, "/run/x",
                        "size=10M,mode=1777", false);
        check_one_mount("--tmpfs=/x:", CUSTOM_MOUNT_TMPFS, NULL, "/x", "mode=0755", false);
        /* options go to the kernel as given, colons included; "\:" escapes only in the path */
        check_one_mount("--tmpfs=/a\\:b:uid=0:x", CUSTOM_MOUNT_TMPFS, NULL, "/a:b", "uid=0:x", false);

        FAILS("--tmpfs=tmp", "/tree");
        FAILS("--tmpfs=", "/tree");
        FAILS("--tmpfs=:size=1M", "/tree");
        FAILS("--tmpfs=/", "/tree");
        FAILS("--tmpfs=/.:size=1M", "/tree");
        FAILS("--tmpfs=/a/../b", "/tree");
        FAILS("--tmpfs=/a/..", "/tree");
        FAILS("--tmpfs=/x:size=1M\n", "/tree");
        FAILS("--tmpfs=/x:mode=0755\x1b", "/tree");
}

static void test_mount_order(void **state) {
        struct config c = {};

        PARSE_OK(&c, "--bind=/a", "--tmpfs=/t", "--bind-ro=/b:/c", "/tree", "--bind=/not-ours");
        assert_int_equal(c.n_mounts, 3);
        check_mount(c.mounts + 0, CUSTOM_MOUNT_BIND, "/a", "/a", NULL, true);
        check_mount(c.mounts + 1, CUSTOM_MOUNT_TMPFS, NULL, "/t", "mode=0755", false);
        check_mount(c.mounts + 2, CUSTOM_MOUNT_BIND_READ_ONLY, "/b", "/c", NULL, true);
        CHECK_STRV(c.argv, c.argc, "--bind=/not-ours");
        config_done(&c);
        assert_null(c.mounts);
        assert_int_equal(c.n_mounts, 0);
}

static void test_flags(void **state) {
        struct config c = {};

        PARSE_OK(&c, "--read-only", "--private-network", "-q", "/tree");
        assert_true(c.read_only);
        assert_true(c.network.private_network);
        assert_true(c.quiet);
        config_done(&c);

        PARSE_OK(&c, "--quiet", "/tree");
        assert_true(c.quiet);
        assert_false(c.read_only);
        assert_false(c.network.private_network);
        config_done(&c);
}

static void test_console(void **state) {
        static const struct {
                const char *arg;
                enum console_mode mode;
        } cases[] = {
                { "--console=interactive", CONSOLE_INTERACTIVE },
                { "--console=read-only", CONSOLE_READ_ONLY },
                { "--console=passive", CONSOLE_PASSIVE },
                { "--console=pipe", CONSOLE_PIPE },
                { "-P", CONSOLE_PIPE },
                { "--pipe", CONSOLE_PIPE },
        };
        struct config c = {};

        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                PARSE_OK(&c, (char *) cases[i].arg, "/tree");
                assert_int_equal(c.console, cases[i].mode);
                config_done(&c);
        }

        PARSE_OK(&c, "-P", "--console=passive", "/tree");
        assert_int_equal(c.console, CONSOLE_PASSIVE);
        config_done(&c);

        FAILS("--console=foo", "/tree");
        FAILS("--console=", "/tree");
        FAILS("--console=auto", "/tree");
        FAILS("--console=Interactive", "/tree");
        FAILS("--console=readonly", "/tree");
}

static void test_kill_signal(void **state) {
        struct config c = {};

        PARSE_OK(&c, "--kill-signal=SIGRTMIN+3", "/tree");
        assert_int_equal(c.kill_signal, SIGRTMIN + 3);
        config_done(&c);

        PARSE_OK(&c, "--kill-signal=TERM", "/tree");
        assert_int_equal(c.kill_signal, SIGTERM);
        config_done(&c);

        PARSE_OK(&c, "--kill-signal", "9", "/tree");
        assert_int_equal(c.kill_signal, SIGKILL);
        config_done(&c);

        FAILS("--kill-signal=SIGFOO", "/tree");
        FAILS("--kill-signal=sigterm", "/tree");
        FAILS("--kill-signal=0", "/tree");
        FAILS("--kill-signal=", "/tree");
        FAILS("--kill-signal=15x", "/tree");
        FAILS("--kill-signal=-9", "/tree");
}

static void test_property(void **state) {
        struct config c = {};

        PARSE_OK(&c, "--property=MemoryMax=1G", "--property", "TasksMax=20", "/tree");
        assert_int_equal(c.properties.memory_max.kind, CGROUP_LIMIT_ABSOLUTE);
        assert_true(c.properties.memory_max.value == 1024 * 1024 * 1024);
        assert_int_equal(c.properties.tasks_max.kind, CGROUP_LIMIT_ABSOLUTE);
        assert_true(c.properties.tasks_max.value == 20);
        config_done(&c);

        FAILS("--property=MemoryMax=banana", "/tree");
        FAILS("--property=Bogus=1", "/tree");
        FAILS("--property=", "/tree");
        FAILS("--property");
}

static void check_private_users(const char *arg, enum private_users_mode mode, uint32_t base, uint32_t count) {
        struct config c = {};

        PARSE_OK(&c, "-q", (char *) arg, "/tree");
        assert_int_equal(c.private_users.mode, mode);
        assert_int_equal(c.private_users.base, base);
        assert_int_equal(c.private_users.count, count);
        config_done(&c);
}

static void test_private_users(void **state) {
        struct config c = {};

        /* every value's parsing is tested in test-userns-range.c; this is the option's wiring */
        check_private_users("-U", PRIVATE_USERS_PICK, 0, 0);
        check_private_users("--private-users=no", PRIVATE_USERS_NO, 0, 0);
        check_private_users("--private-users=identity", PRIVATE_USERS_IDENTITY, 0, 0);
        check_private_users("--private-users=524288:100", PRIVATE_USERS_FIXED, 524288, 100);

        /* the last one wins, -U included */
        PARSE_OK(&c, "--private-users=1000:1", "-U", "/tree");
        assert_int_equal(c.private_users.mode, PRIVATE_USERS_PICK);
        assert_int_equal(c.private_users.base, 0);
        config_done(&c);
        PARSE_OK(&c, "-U", "--private-users", "no", "/tree");
        assert_int_equal(c.private_users.mode, PRIVATE_USERS_NO);
        config_done(&c);

        assert_int_equal(parse_verb(VERB_BOOT, &c, (char *[]) { "boot", "-U", "/tree", NULL }), 0);
        assert_int_equal(c.private_users.mode, PRIVATE_USERS_PICK);
        config_done(&c);

        FAILS("--private-users=", "/tree");
        FAILS("--private-users=maybe", "/tree");
        FAILS("--private-users=-1", "/tree");
        FAILS("--private-users=0x80000", "/tree");
        FAILS("--private-users=5:0", "/tree");
        FAILS("--private-users=4294967295", "/tree");
        FAILS("--private-users=4294901760:65536", "/tree");
        FAILS("--private-users=1:2:3", "/tree");
        FAILS("-U=pick", "/tree");
        FAILS("-Ux", "/tree");
}

static void test_private_users_ownership(void **state) {
        static const struct {
                const char *arg;
                enum private_users_ownership mode;
        } cases[] = {
                { "--private-users-ownership=auto", PRIVATE_USERS_OWNERSHIP_AUTO },
                { "--private-users-ownership=map", PRIVATE_USERS_OWNERSHIP_MAP },
                { "--private-users-ownership=chown", PRIVATE_USERS_OWNERSHIP_CHOWN },
                { "--private-users-ownership=off", PRIVATE_USERS_OWNERSHIP_OFF },
        };
        struct config c = {};

        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                PARSE_OK(&c, (char *) cases[i].arg, "/tree");
                assert_int_equal(c.private_users_ownership, cases[i].mode);
                assert_int_equal(c.private_users.mode, PRIVATE_USERS_UNSET);
                config_done(&c);
        }
        PARSE_OK(&c, "--private-users-ownership=chown", "--private-users-ownership", "map", "/tree");
        assert_int_equal(c.private_users_ownership, PRIVATE_USERS_OWNERSHIP_MAP);
        config_done(&c);

        FAILS("--private-users-ownership=", "/tree");
        FAILS("--private-users-ownership=Map", "/tree");
        FAILS("--private-users-ownership=yes", "/tree");
        FAILS("--private-users-ownership=idmap", "/tree");
}

/* Runs options_parse() with `fd` going to a file, and returns what was written to it. */
static char *parse_capturing(int fd, enum verb verb, char **argv, int *ret) {
        struct capture cap;
        struct config c = {};

        capture_start(&cap, fd);
        *ret = parse_verb(verb, &c, argv);
        config_done(&c);
        return capture_stop(&cap);
}

/* Exactly one line, ours: getopt's own messages must not double it. */
static void check_error(const char *expected, char **argv) {
        int r;
        char *text = parse_capturing(STDERR_FILENO, VERB_RUN, argv, &r);

        assert_int_equal(r, -EINVAL);
        assert_string_equal(text, expected);
        free(text);
}
#define CHECK_ERROR(expected, ...) check_error((expected), (char *[]) { "run", __VA_ARGS__, NULL })

static void test_error_messages(void **state) {
        CHECK_ERROR("syscon: Unknown option --foo; see \"syscon run --help\".\n", "--foo=1", "/tree");
        CHECK_ERROR("syscon: Unknown option -x; see \"syscon run --help\".\n", "-qx", "/tree");
        CHECK_ERROR("syscon: Option -M/--machine needs a value; see \"syscon run --help\".\n", "-M");
        CHECK_ERROR("syscon: Option -M/--machine needs a value; see \"syscon run --help\".\n", "--machine");
        CHECK_ERROR("syscon: Option --bind needs a value; see \"syscon run --help\".\n", "--bind");
        CHECK_ERROR("syscon: Option -q/--quiet takes no value; see \"syscon run --help\".\n", "--quiet=1", "/t");
        CHECK_ERROR("syscon: Invalid --bind= value \"foo:bar\": the source must be an absolute path, as in "
                    "--bind=/srv/data:/data.\n", "--bind=foo:bar", "/tree");
        CHECK_ERROR("syscon: Invalid --bind-ro= value \"/a:/b:ro\": unknown option \"ro\"; use rbind, "
                    "norbind, idmap or noidmap, as in --bind-ro=/srv/data:/data:norbind.\n", "--bind-ro=/a:/b:ro", "/tree");
        CHECK_ERROR("syscon: Invalid --private-users= value \"5:0\": the count of IDs must be at least 1, as in "
                    "--private-users=1879048192:65536.\n", "--private-users=5:0", "/tree");
        CHECK_ERROR("syscon: Invalid --private-users= value \"4294967295\": the range must end at 4294967294 at "
                    "most; lower the base or the count, as in --private-users=1879048192:65536.\n",
                    "--private-users=4294967295", "/tree");
        CHECK_ERROR("syscon: Invalid --private-users= value \"x1\": give no, pick, identity, or a decimal BASE or "
                    "BASE:COUNT, as in --private-users=1879048192:65536.\n", "--private-users=x1", "/tree");
        CHECK_ERROR("syscon: Invalid --private-users-ownership= value \"copy\": use auto, map, chown or off, as in "
                    "--private-users-ownership=chown.\n", "--private-users-ownership=copy", "/tree");
        CHECK_ERROR("syscon: Missing ROOTFS: give the directory of the container's tree, as in \"syscon run "
                    "/var/lib/machines/web\", or --directory=PATH.\n", "-q");
}

static void test_help(void **state) {
        struct config c = {};
        char *text;
        int r;

        text = parse_capturing(STDOUT_FILENO, VERB_RUN, (char *[]) { "run", "--help", NULL }, &r);
        assert_int_equal(r, 1);
        assert_non_null(strstr(text, "syscon run [OPTIONS] ROOTFS [--] [COMMAND [ARGS...]]"));
        assert_non_null(strstr(text, "--bind-ro="));
        assert_non_null(strstr(text, "noidmap (default) or idmap"));
        free(text);

        text = parse_capturing(STDOUT_FILENO, VERB_BOOT, (char *[]) { "boot", "-q", "-h", "--bogus", NULL }, &r);
        assert_int_equal(r, 1);
        assert_non_null(strstr(text, "syscon boot [OPTIONS] ROOTFS [--] [INIT-ARGS...]"));
        assert_non_null(strstr(text, "SIGRTMIN+3"));
        free(text);

        /* after the tree, --help is the command's */
        PARSE_OK(&c, "/tree", "--help");
        CHECK_STRV(c.argv, c.argc, "--help");
        config_done(&c);
}

/* The option names of each line of a --help, as "-M/--machine", "--hostname", "-U". */
static size_t help_options(const char *text, char names[][40], size_t max) {
        size_t n = 0;

        for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
                const char *p = line + strspn(line, " ");
                size_t k;

                if (p - line < 2 || p - line > 5 || *p != '-')
                        continue;
                assert_true(n < max);
                names[n][0] = 0;
                while (*p == '-') {
                        k = strcspn(p, "= \n");
                        snprintf(names[n] + strlen(names[n]), 40 - strlen(names[n]), "%s%.*s",
                                 names[n][0] ? "/" : "", (int) k, p);
                        p += k;
                        if (*p != ' ')
                                break;
                        p++;
                }
                n++;
        }
        return n;
}

static void check_help_lists(enum verb verb, const char *const *expected, size_t n_expected) {
        char names[64][40], *text;
        size_t n;
        int r;

        text = parse_capturing(STDOUT_FILENO, verb, (char *[]) { (char *) verb_to_string(verb), "--help", NULL }, &r);
        assert_int_equal(r, 1);
        n = help_options(text, names, 64);
        for (size_t i = 0; i < n && i < n_expected; i++)
                if (!streq(names[i], expected[i]))
                        fail_msg("syscon %s --help, option %zu: got %s, want %s", verb_to_string(verb), i,
                                 names[i], expected[i]);
        assert_int_equal(n, n_expected);
        free(text);
}

#define COMMON_HEAD "-h/--help", "-D/--directory", "-M/--machine", "--hostname", "-E/--setenv", "--chdir", \
        "-u/--user", "--bind", "--bind-ro", "--tmpfs", "--read-only", "--private-users", "-U",                \
        "--private-users-ownership", "--console", "-P/--pipe", "--kill-signal", "-q/--quiet", "--uuid",       \
        "--property"
#define COMMON_TAIL "--private-network", "-n/--network-veth", "--network-bridge", "--network-zone",           \
        "--network-macvlan", "--network-ipvlan", "--network-interface", "--address", "--gateway",             \
        "--host-address", "--capability", "--drop-capability", "--no-new-privileges",                          \
        "--system-call-filter", "--profile"

/* Each verb's --help, made from the option table, lists exactly its own options, in the table's
 * order, once each. */
static void test_help_lists_verb_options(void **state) {
        static const char *const run[] = { COMMON_HEAD, COMMON_TAIL };
        static const char *const boot[] = { COMMON_HEAD, "--init", COMMON_TAIL };

        check_help_lists(VERB_RUN, run, ELEMENTSOF(run));
        check_help_lists(VERB_BOOT, boot, ELEMENTSOF(boot));
}

/* The look of the hand-written help it replaced: names in a column, descriptions from column 29,
 * a long name on a line of its own, continuation lines indented. */
static void test_help_layout(void **state) {
        static const char *const run_lines[] = {
                "syscon run [OPTIONS] ROOTFS [--] [COMMAND [ARGS...]]\n\nRun COMMAND (default: the user's "
                "shell) in the tree ROOTFS, with syscon-init\nas PID 1.\n\n  -h --help                  Show this help\n",
                "\n     --hostname=NAME         Host name inside (default: the machine name)\n",
                "\n     --bind=SRC[:DST[:OPTS]] Bind a host path (DST defaults to SRC); OPTS: rbind\n"
                "                             (default) or norbind, noidmap (default) or idmap\n"
                "                             (container root is the host's root there); \\: is\n"
                "                             a ':' in a path\n",
                "\n     --bind-ro=SRC[:DST[:OPTS]]\n                             The same, read-only\n",
                "\n  -U                         The same as --private-users=pick\n",
                "\n     --kill-signal=SIGNAL    Signal to stop the container (default: SIGTERM)\n",
                "\n     --profile=NAME|PATH     Security settings from a profile (default, strict,\n"
                "                             trusted); options given here override it\n",
        };
        char *text;
        int r;

        text = parse_capturing(STDOUT_FILENO, VERB_RUN, (char *[]) { "run", "-h", NULL }, &r);
        for (size_t i = 0; i < ELEMENTSOF(run_lines); i++)
                if (!strstr(text, run_lines[i]))
                        fail_msg("syscon run --help lacks \"%s\"", run_lines[i]);
        assert_true(text + strlen(text) - strlen(run_lines[6]) == strstr(text, run_lines[6]));
        free(text);

        text = parse_capturing(STDOUT_FILENO, VERB_BOOT, (char *[]) { "boot", "-h", NULL }, &r);
        assert_non_null(strstr(text, "\n     --kill-signal=SIGNAL    Signal to stop the container (default: "
                               "SIGRTMIN+3 for systemd,\n                             SIGUSR2 for busybox init, "
                               "SIGINT for sysvinit)\n"));
        assert_non_null(strstr(text, "\n     --init=PATH             The init to boot, inside the tree (default:\n"));
        assert_null(strstr(text, "(default: SIGTERM)"));
        free(text);
}

/* Each mistake getopt finds is one message naming the option and the verb's --help. */
static void test_getopt_errors(void **state) {
        CHECK_ERROR("syscon: Option -E/--setenv needs a value; see \"syscon run --help\".\n", "-q", "-E");
        CHECK_ERROR("syscon: Option --read-only takes no value; see \"syscon run --help\".\n", "--read-only=no", "/t");
        CHECK_ERROR("syscon: Option -n/--network-veth takes no value; see \"syscon run --help\".\n",
                    "--network-veth=yes", "/t");
        CHECK_ERROR("syscon: Option --kill-signal needs a value; see \"syscon run --help\".\n", "--kill-signal");
        /* an abbreviation of two options is no option */
        CHECK_ERROR("syscon: Unknown option --p; see \"syscon run --help\".\n", "--p", "/tree");
        CHECK_ERROR("syscon: Unknown option --bogus; see \"syscon run --help\".\n", "--bogus", "--foo", "/tree");
        CHECK_ERROR("syscon: Unknown option -=; see \"syscon run --help\".\n", "-U=pick", "/tree");
        CHECK_ERROR("syscon: Unknown option -x; see \"syscon run --help\".\n", "-nx", "/tree");
        /* an option of the other verb, by its name or an abbreviation */
        CHECK_ERROR("syscon: --init= is an option of \"syscon boot\"; \"syscon run\" always runs syscon-init "
                    "as PID 1 and your command as PID 2.\n", "--init=/sbin/init", "/tree");
        CHECK_ERROR("syscon: --init= is an option of \"syscon boot\"; \"syscon run\" always runs syscon-init "
                    "as PID 1 and your command as PID 2.\n", "--in", "/sbin/init", "/tree");

        struct config c = {};
        char *text;
        int r;

        text = parse_capturing(STDERR_FILENO, VERB_BOOT, (char *[]) { "boot", "-q", "--init", NULL }, &r);
        assert_int_equal(r, -EINVAL);
        assert_string_equal(text, "syscon: Option --init needs a value; see \"syscon boot --help\".\n");
        free(text);

        /* a unique abbreviation is the option */
        PARSE_OK(&c, "--mach=web", "--read-o", "/tree");
        assert_string_equal(c.machine, "web");
        assert_true(c.read_only);
        config_done(&c);
}

/* What the rest of the table's users rely on. */
static void test_table(void **state) {
        for (size_t i = 0; i < option_table_size; i++) {
                const struct option_entry *e = option_table + i;

                assert_true(e->name || e->short_name);
                assert_non_null(e->parse);
                assert_non_null(e->help);
                assert_true(e->verbs != 0 && (e->verbs & ~OPTION_VERBS_ALL) == 0);
                assert_int_equal(e->help_value != NULL, e->argument == OPTION_ARGUMENT_REQUIRED);
                /* a file gives KEY=VALUE: a flag would need a boolean first */
                if (e->from_file)
                        assert_int_equal(e->argument, OPTION_ARGUMENT_REQUIRED);
                assert_true(!e->trusted_only || e->from_file);
                /* one meaning per name and verb; the same argument and parser across verbs */
                for (size_t j = 0; j < i; j++) {
                        const struct option_entry *o = option_table + j;
                        bool same = (e->name && o->name && streq(e->name, o->name)) ||
                                    (e->short_name && e->short_name == o->short_name);

                        if (!same)
                                continue;
                        assert_int_equal(e->verbs & o->verbs, 0);
                        assert_int_equal(e->argument, o->argument);
                        assert_ptr_equal(e->parse, o->parse);
                        assert_int_equal(e->short_name, o->short_name);
                }
        }
}

static void test_boot(void **state) {
        struct config c = {};

        assert_int_equal(parse_verb(VERB_BOOT, &c, (char *[]) { "boot", "-M", "vm", "/tree",
                                                                "systemd.unit=rescue.target", "-b", NULL }), 0);
        assert_int_equal(c.verb, VERB_BOOT);
        assert_string_equal(c.machine, "vm");
        assert_string_equal(c.rootfs, "/tree");
        CHECK_STRV(c.argv, c.argc, "systemd.unit=rescue.target", "-b");
        config_done(&c);
}

/* A failed parse must not leave getopt's state behind for the next one. */
static void test_parse_again(void **state) {
        struct config c = {};

        /* stops in the middle of "-xq", where getopt keeps a pointer into this argv */
        FAILS("-xq", "/a");
        PARSE_OK(&c, "/a", "b");
        assert_false(c.quiet);
        CHECK_STRV(c.argv, c.argc, "b");
        config_done(&c);
        FAILS("-q", "-M");
        PARSE_OK(&c, "-M", "m", "/c");
        assert_false(c.quiet);
        assert_string_equal(c.machine, "m");
        assert_string_equal(c.rootfs, "/c");
        CHECK_STRV_EMPTY(c.argv, c.argc);
        config_done(&c);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_command_keeps_its_options),
                cmocka_unit_test(test_double_dash),
                cmocka_unit_test(test_directory),
                cmocka_unit_test(test_missing_rootfs),
                cmocka_unit_test(test_unknown_option),
                cmocka_unit_test(test_missing_argument),
                cmocka_unit_test(test_machine),
                cmocka_unit_test(test_hostname),
                cmocka_unit_test(test_setenv),
                cmocka_unit_test(test_setenv_from_host),
                cmocka_unit_test(test_parse_is_pure),
                cmocka_unit_test(test_chdir),
                cmocka_unit_test(test_user),
                cmocka_unit_test(test_bind),
                cmocka_unit_test(test_bind_ro),
                cmocka_unit_test(test_bind_idmap),
                cmocka_unit_test(test_bind_invalid),
                cmocka_unit_test(test_tmpfs),
                cmocka_unit_test(test_mount_order),
                cmocka_unit_test(test_flags),
                cmocka_unit_test(test_console),
                cmocka_unit_test(test_kill_signal),
                cmocka_unit_test(test_property),
                cmocka_unit_test(test_private_users),
                cmocka_unit_test(test_private_users_ownership),
                cmocka_unit_test(test_error_messages),
                cmocka_unit_test(test_help),
                cmocka_unit_test(test_help_lists_verb_options),
                cmocka_unit_test(test_help_layout),
                cmocka_unit_test(test_getopt_errors),
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_boot),
                cmocka_unit_test(test_parse_again),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
