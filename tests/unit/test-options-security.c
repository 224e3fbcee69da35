/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/capability.h"
#include "settings/merge.h"
#include "settings/options.h"
#include "settings/options-security.h"
#include "settings/profile.h"

/* --capability=, --drop-capability=, --no-new-privileges=, --system-call-filter=, --profile=,
 * and the profile files themselves. */

static char scratch[] = "/tmp/test-options-security-XXXXXX";

/* Parses, then merges the profile as main() does. */
static int parse_argv(struct config *c, char **argv) {
        int argc = 0, r;

        while (argv[argc])
                argc++;
        r = options_parse(VERB_RUN, argc, argv, c);
        return r == 0 ? settings_merge(c) : r;
}
#define PARSE(c, ...) parse_argv((c), (char *[]) { "run", __VA_ARGS__, "/tree", NULL })
#define PARSE_OK(c, ...) assert_int_equal(PARSE(c, __VA_ARGS__), 0)

/* Parses, expects -EINVAL, and returns what was logged (the caller frees it). */
static char *parse_failing(char **argv) {
        struct config c = {};
        char *text = calloc(4096, 1);
        FILE *log = tmpfile();
        int saved = dup(STDERR_FILENO);

        assert_non_null(text);
        assert_non_null(log);
        fflush(stderr);
        dup2(fileno(log), STDERR_FILENO);
        assert_int_equal(parse_argv(&c, argv), -EINVAL);
        fflush(stderr);
        dup2(saved, STDERR_FILENO);
        close(saved);
        rewind(log);
        assert_true(fread(text, 1, 4095, log) > 0);
        fclose(log);
        config_done(&c);
        return text;
}
#define FAILS(...) free(parse_failing((char *[]) { "run", __VA_ARGS__, "/tree", NULL }))

/* The error message, once, naming `needle`. */
static void check_message(const char *needle, char **argv) {
        char *text = parse_failing(argv);

        assert_non_null(strstr(text, needle));
        assert_ptr_equal(strchr(text, '\n'), text + strlen(text) - 1);
        free(text);
}
#define FAILS_NAMING(needle, ...) check_message((needle), (char *[]) { "run", __VA_ARGS__, "/tree", NULL })

/* A profile of `size` bytes in the scratch directory; returns its path (static buffer). */
static const char *profile_bytes(const char *name, const char *text, size_t size) {
        static char path[256];
        FILE *f;

        snprintf(path, sizeof path, "%s/%s.conf", scratch, name);
        f = fopen(path, "we");
        assert_non_null(f);
        assert_int_equal(fwrite(text, 1, size, f), size);
        assert_int_equal(fclose(f), 0);
        return path;
}
#define profile(name, text) profile_bytes((name), (text), strlen(text))

static char *profile_option(const char *path) {
        char *s;

        assert_true(asprintf(&s, "--profile=%s", path) > 0);
        return s;
}

static void test_defaults(void **state) {
        struct config c = {};

        PARSE_OK(&c, "-q");
        assert_int_equal(c.security.capability_add, 0);
        assert_int_equal(c.security.capability_drop, 0);
        assert_false(c.security.no_new_privileges_set);
        assert_int_equal(c.security.n_syscall_rules, 0);
        assert_null(c.security.profile);
        assert_int_equal(security_capabilities(&c), capability_default_set());
        config_done(&c);
}

static void test_capability(void **state) {
        struct config c = {};

        PARSE_OK(&c, "--capability=CAP_NET_ADMIN", "--capability", "cap_sys_time,CAP_SYSLOG");
        assert_int_equal(c.security.capability_add, CAPABILITY_BIT(CAP_NET_ADMIN) |
                         CAPABILITY_BIT(CAP_SYS_TIME) | CAPABILITY_BIT(CAP_SYSLOG));
        config_done(&c);

        PARSE_OK(&c, "--capability=all");
        assert_int_equal(c.security.capability_add, UINT64_MAX);
        config_done(&c);

        FAILS_NAMING("Invalid --capability= value \"CAP_FOO\": unknown capability", "--capability=CAP_FOO");
        FAILS_NAMING("--capability=CAP_NET_ADMIN", "--capability=SYS_ADMIN");
        FAILS("--capability=");
        FAILS("--capability=12");
        FAILS("--capability=CAP_CHOWN,");
        FAILS("--capability=,CAP_CHOWN");
        FAILS("--capability=CAP_CHOWN,,CAP_KILL");
        FAILS("--capability=CAP_CHOWN CAP_KILL");
        FAILS("--capability=ALL");
        FAILS("--capability=CAP_CHOWNX");
        FAILS("--capability=CAP_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        FAILS("--capability");
}

static void test_drop_capability(void **state) {
        struct config c = {};

        PARSE_OK(&c, "--drop-capability=CAP_SYS_ADMIN,CAP_MKNOD");
        assert_int_equal(c.security.capability_drop, CAPABILITY_BIT(CAP_SYS_ADMIN) | CAPABILITY_BIT(CAP_MKNOD));
        assert_int_equal(security_capabilities(&c), capability_default_set() &
                         ~(CAPABILITY_BIT(CAP_SYS_ADMIN) | CAPABILITY_BIT(CAP_MKNOD)));
        config_done(&c);

        PARSE_OK(&c, "--drop-capability=all", "--capability=CAP_CHOWN");
        assert_int_equal(security_capabilities(&c), 0);
        config_done(&c);

        FAILS_NAMING("Invalid --drop-capability= value \"CAP_NOPE\"", "--drop-capability=CAP_NOPE");
        FAILS("--drop-capability=");
        FAILS("--drop-capability=CAP_SYS_ADMIN;CAP_KILL");
}

static void test_retained(void **state) {
        struct config c = {};

        /* nspawn's list, by the numbers the kernel gives the names */
        assert_int_equal(capability_default_set(),
                         CAPABILITY_BIT(CAP_AUDIT_CONTROL) | CAPABILITY_BIT(CAP_AUDIT_WRITE) |
                         CAPABILITY_BIT(CAP_CHOWN) | CAPABILITY_BIT(CAP_DAC_OVERRIDE) |
                         CAPABILITY_BIT(CAP_DAC_READ_SEARCH) | CAPABILITY_BIT(CAP_FOWNER) |
                         CAPABILITY_BIT(CAP_FSETID) | CAPABILITY_BIT(CAP_IPC_OWNER) | CAPABILITY_BIT(CAP_KILL) |
                         CAPABILITY_BIT(CAP_LEASE) | CAPABILITY_BIT(CAP_LINUX_IMMUTABLE) |
                         CAPABILITY_BIT(CAP_MKNOD) | CAPABILITY_BIT(CAP_NET_BIND_SERVICE) |
                         CAPABILITY_BIT(CAP_NET_BROADCAST) | CAPABILITY_BIT(CAP_NET_RAW) |
                         CAPABILITY_BIT(CAP_SETFCAP) | CAPABILITY_BIT(CAP_SETGID) | CAPABILITY_BIT(CAP_SETPCAP) |
                         CAPABILITY_BIT(CAP_SETUID) | CAPABILITY_BIT(CAP_SYS_ADMIN) | CAPABILITY_BIT(CAP_SYS_BOOT) |
                         CAPABILITY_BIT(CAP_SYS_CHROOT) | CAPABILITY_BIT(CAP_SYS_NICE) |
                         CAPABILITY_BIT(CAP_SYS_PTRACE) | CAPABILITY_BIT(CAP_SYS_RESOURCE) |
                         CAPABILITY_BIT(CAP_SYS_TTY_CONFIG));
        assert_false(capability_default_set() & CAPABILITY_BIT(CAP_NET_ADMIN));

        PARSE_OK(&c, "--private-network");
        assert_int_equal(security_capabilities(&c), capability_default_set() | CAPABILITY_BIT(CAP_NET_ADMIN));
        config_done(&c);

        PARSE_OK(&c, "--private-network", "--drop-capability=CAP_NET_ADMIN");
        assert_int_equal(security_capabilities(&c), capability_default_set());
        config_done(&c);

        /* a drop wins over an add, whatever the order (as nspawn) */
        PARSE_OK(&c, "--drop-capability=CAP_SYS_TIME", "--capability=CAP_SYS_TIME,CAP_SYS_MODULE");
        assert_int_equal(security_capabilities(&c), capability_default_set() | CAPABILITY_BIT(CAP_SYS_MODULE));
        config_done(&c);
}

static void test_capability_from_name(void **state) {
        assert_int_equal(capability_from_name("CAP_CHOWN"), CAP_CHOWN);
        assert_int_equal(capability_from_name("cap_sys_admin"), CAP_SYS_ADMIN);
        assert_int_equal(capability_from_name("Cap_Net_Admin"), CAP_NET_ADMIN);
        assert_int_equal(capability_from_name("sys_admin"), -EINVAL);
        assert_int_equal(capability_from_name("21"), -EINVAL);
        assert_int_equal(capability_from_name("cap_21"), -EINVAL);
        assert_int_equal(capability_from_name("cap_chown,cap_kill"), -EINVAL);
        assert_int_equal(capability_from_name("CAP_CHOWN "), -EINVAL);
        assert_int_equal(capability_from_name(""), -EINVAL);
}

static void test_no_new_privileges(void **state) {
        static const struct {
                const char *arg;
                bool value;
        } good[] = { { "yes", true }, { "no", false }, { "true", true }, { "FALSE", false }, { "1", true },
                     { "0", false }, { "on", true }, { "off", false } };
        struct config c = {};

        for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
                char *arg;

                assert_true(asprintf(&arg, "--no-new-privileges=%s", good[i].arg) > 0);
                PARSE_OK(&c, arg);
                assert_true(c.security.no_new_privileges_set);
                assert_int_equal(c.security.no_new_privileges, good[i].value);
                config_done(&c);
                free(arg);
        }
        PARSE_OK(&c, "--no-new-privileges=yes", "--no-new-privileges=no");
        assert_false(c.security.no_new_privileges);
        config_done(&c);

        FAILS_NAMING("Invalid --no-new-privileges= value \"maybe\": use yes or no", "--no-new-privileges=maybe");
        FAILS("--no-new-privileges=");
        FAILS("--no-new-privileges=yess");
        FAILS("--no-new-privileges=2");
        FAILS("--no-new-privileges");
}

static void check_rule(const struct syscall_rule *r, const char *name, bool deny, bool from_profile) {
        assert_string_equal(r->name, name);
        assert_int_equal(r->deny, deny);
        assert_int_equal(r->from_profile, from_profile);
}

static void test_system_call_filter(void **state) {
        struct config c = {};

        PARSE_OK(&c, "--system-call-filter=~kexec_load @clock", "--system-call-filter= \tbpf  @keyring ");
        assert_int_equal(c.security.n_syscall_rules, 4);
        check_rule(c.security.syscall_rules + 0, "kexec_load", true, false);
        check_rule(c.security.syscall_rules + 1, "@clock", true, false);
        check_rule(c.security.syscall_rules + 2, "bpf", false, false);
        check_rule(c.security.syscall_rules + 3, "@keyring", false, false);
        config_done(&c);

        /* system calls of another architecture are names libseccomp knows too */
        PARSE_OK(&c, "--system-call-filter=~vm86");
        check_rule(c.security.syscall_rules, "vm86", true, false);
        config_done(&c);

        FAILS_NAMING("\"nosuchcall\" is neither a system call nor one of the groups @clock",
                     "--system-call-filter=mount nosuchcall");
        FAILS_NAMING("\"@nosuch\"", "--system-call-filter=~@nosuch");
        FAILS("--system-call-filter=");
        FAILS("--system-call-filter=~");
        FAILS("--system-call-filter=~ ");
        FAILS("--system-call-filter=~~mount");
        FAILS("--system-call-filter=mount,umount2");
        FAILS("--system-call-filter=@");
        FAILS("--system-call-filter=MOUNT");
        PARSE_OK(&c, "--system-call-filter=bpf\nkeyctl");
        assert_int_equal(c.security.n_syscall_rules, 2);
        config_done(&c);

        FAILS("--system-call-filter=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

static void test_profile(void **state) {
        const char *path = profile("web", "# a comment\n\n  capability = CAP_SYS_TIME\n"
                                   "drop-capability=CAP_MKNOD,CAP_SYS_ADMIN\n"
                                   "no-new-privileges=yes\r\n\tsystem-call-filter=~@mount\n"
                                   "system-call-filter=bpf");
        char *arg = profile_option(path);
        struct config c = {};

        PARSE_OK(&c, arg);
        assert_string_equal(c.security.profile, path);
        assert_int_equal(c.security.capability_add, CAPABILITY_BIT(CAP_SYS_TIME));
        assert_int_equal(c.security.capability_drop, CAPABILITY_BIT(CAP_MKNOD) | CAPABILITY_BIT(CAP_SYS_ADMIN));
        assert_true(c.security.no_new_privileges);
        assert_int_equal(c.security.n_syscall_rules, 2);
        check_rule(c.security.syscall_rules + 0, "@mount", true, true);
        check_rule(c.security.syscall_rules + 1, "bpf", false, true);
        config_done(&c);

        /* the command line wins, wherever --profile= stands */
        PARSE_OK(&c, "--capability=CAP_MKNOD", "--drop-capability=CAP_SYS_TIME", "--no-new-privileges=no",
                 "--system-call-filter=mount", arg);
        assert_int_equal(security_capabilities(&c), (capability_default_set() & ~CAPABILITY_BIT(CAP_SYS_ADMIN)));
        assert_false(c.security.no_new_privileges);
        assert_int_equal(c.security.n_syscall_rules, 3);
        check_rule(c.security.syscall_rules + 0, "mount", false, false);
        config_done(&c);

        /* the last --profile= counts */
        PARSE_OK(&c, "--profile=/nonexistent/x.conf", arg);
        assert_string_equal(c.security.profile, path);
        config_done(&c);
        free(arg);
}

/* A bad profile: 125 at the caller, one message naming the file and line (or the file). */
static void check_bad_profile_bytes(const char *text, size_t size, const char *needle) {
        const char *path = profile_bytes("bad", text, size);
        char *arg = profile_option(path), *where, *log;

        log = parse_failing((char *[]) { "run", arg, "/tree", NULL });
        assert_true(asprintf(&where, "syscon: %s%s", path, needle) > 0);
        if (!strstr(log, where))
                fail_msg("got \"%s\", want \"%s\"", log, where);
        free(where);
        free(log);
        free(arg);
}
#define check_bad_profile(text, needle) check_bad_profile_bytes((text), strlen(text), (needle))

static void test_profile_bad(void **state) {
        char *big = malloc(70000);

        check_bad_profile("capability=CAP_CHOWN\ncapability=CAP_NOPE\n", ":2: invalid capability= value \"CAP_NOPE\"");
        check_bad_profile("\n\n\nno-new-privileges=perhaps", ":4: invalid no-new-privileges= value");
        check_bad_profile("system-call-filter=~@clock nosuch\n", ":1: invalid system-call-filter= value");
        check_bad_profile("system-call-filter=\n", ":1: invalid system-call-filter= value \"\"");
        check_bad_profile("# ok\nprivate-network=yes\n", ":2: unknown setting \"private-network\"");
        check_bad_profile("profile=strict\n", ":1: unknown setting \"profile\"");
        check_bad_profile("no-new-privileges\n", ":1: not a setting;");
        check_bad_profile("=yes\n", ":1: not a setting name");
        check_bad_profile("--capability=CAP_CHOWN\n", ":1: not a setting name");
        check_bad_profile("No-New-Privileges=yes\n", ":1: not a setting name");
        /* A file that is no profile is never quoted: it may hold secrets. */
        check_bad_profile("root:$6$secret-hash:19000:0:99999:7:::\n", ":1: not a setting;");

        assert_non_null(big);
        memset(big, 'a', 69999);
        big[69999] = 0;
        check_bad_profile(big, ": larger than");
        memcpy(big, "# ", 2);
        big[5000] = 0;
        check_bad_profile(big, ":1: line longer than");
        static const char nul[] = "no-new-privileges=yes\n\0capability=all\n";
        check_bad_profile_bytes(nul, sizeof nul - 1, ": contains a NUL byte");
        free(big);

        check_message("Invalid --profile= value \"\"", (char *[]) { "run", "--profile=", "/tree", NULL });
        check_message("Invalid --profile= value \"..\"", (char *[]) { "run", "--profile=..", "/tree", NULL });
        check_message("No profile \"no-such-profile\" in /etc/syscon/profiles",
                      (char *[]) { "run", "--profile=no-such-profile", "/tree", NULL });
        check_message("Failed to open the profile /nonexistent/p.conf: No such file or directory",
                      (char *[]) { "run", "--profile=/nonexistent/p.conf", "/tree", NULL });
        check_message("/tmp/: not a regular file", (char *[]) { "run", "--profile=/tmp/", "/tree", NULL });
}

static int count_setting(void *userdata, const char *key, const char *value, const char *file, unsigned line) {
        (*(unsigned *) userdata)++;
        return 0;
}

/* By name, in the first directory that has it. */
static void test_profile_lookup(void **state) {
        char first[300], second[300];
        const char *const dirs[] = { first, second, NULL };
        unsigned n = 0;

        snprintf(first, sizeof first, "%s/first", scratch);
        snprintf(second, sizeof second, "%s/second", scratch);
        assert_int_equal(mkdir(first, 0755), 0);
        assert_int_equal(mkdir(second, 0755), 0);
        profile("second/both", "capability=CAP_CHOWN\ncapability=CAP_KILL\n");
        profile("first/both", "capability=CAP_CHOWN\n");
        profile("second/only", "capability=CAP_CHOWN\ncapability=CAP_KILL\n");

        assert_int_equal(profile_load("both", dirs, count_setting, &n), 0);
        assert_int_equal(n, 1);
        n = 0;
        assert_int_equal(profile_load("only", dirs, count_setting, &n), 0);
        assert_int_equal(n, 2);
        assert_int_equal(profile_load("none", dirs, count_setting, &n), -ENOENT);
}

/* Every profile syscon ships parses. */
static void test_shipped_profiles(void **state) {
        static const char *const names[] = { "default", "strict", "trusted" };
        const char *const dirs[] = { SYSCON_SOURCE_ROOT "/profiles", NULL };

        for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
                struct config c = {};
                char *path, *arg;

                assert_true(asprintf(&path, "%s/%s.conf", dirs[0], names[i]) > 0);
                arg = profile_option(path);
                PARSE_OK(&c, arg);
                config_done(&c);
                free(arg);
                free(path);
        }
}

static int setup(void **state) {
        return mkdtemp(scratch) ? 0 : -1;
}

static int teardown(void **state) {
        char *cmd;

        if (asprintf(&cmd, "rm -rf '%s'", scratch) < 0)
                return -1;
        (void) system(cmd);
        free(cmd);
        return 0;
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_capability),
                cmocka_unit_test(test_drop_capability),
                cmocka_unit_test(test_retained),
                cmocka_unit_test(test_capability_from_name),
                cmocka_unit_test(test_no_new_privileges),
                cmocka_unit_test(test_system_call_filter),
                cmocka_unit_test(test_profile),
                cmocka_unit_test(test_profile_bad),
                cmocka_unit_test(test_profile_lookup),
                cmocka_unit_test(test_shipped_profiles),
        };

        return cmocka_run_group_tests(tests, setup, teardown);
}
