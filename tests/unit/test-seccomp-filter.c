/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "basic/macro.h"
#include "settings/options.h"
#include "core/seccomp-filter.h"

/* The filter's decisions, from options as a user gives them; and the BPF it builds (not loaded:
 * the integration suite checks what the kernel does with it). */

static void parse(struct config *c, char **argv) {
        int argc = 0;

        while (argv[argc])
                argc++;
        *c = (struct config) {};
        assert_int_equal(options_parse(VERB_RUN, argc, argv, c), 0);
}
#define PARSE(c, ...) parse((c), (char *[]) { "run", __VA_ARGS__, "/tree", NULL })

static enum syscall_verdict verdict(const struct config *c, const char *name) {
        enum syscall_verdict v;

        assert_int_equal(seccomp_filter_verdict(c, name, &v), 0);
        return v;
}

#define ASSERT_VERDICT(c, name, expected) assert_int_equal(verdict((c), (name)), (expected))

static void test_default(void **state) {
        static const char *const denied[] = {
                "kexec_load", "kexec_file_load", "open_by_handle_at", "init_module", "finit_module",
                "delete_module", "swapon", "swapoff", "add_key", "keyctl", "request_key", "bpf",
                "perf_event_open", "fanotify_init", "quotactl", "iopl", "ioperm", "clock_settime",
                "settimeofday", "adjtimex", "syslog", "acct", "uselib", "_sysctl", "modify_ldt", "vm86",
        };
        static const char *const allowed[] = {
                "reboot", "ptrace", "process_vm_readv", "vhangup", "mount", "umount2", "pivot_root",
                "unshare", "setns", "chroot", "read", "execve", "clone3", "mlock", "pkey_alloc",
                "userfaultfd", "io_uring_setup", "name_to_handle_at", "sethostname", "personality",
        };
        struct config c;

        PARSE(&c, "-q");
        for (size_t i = 0; i < sizeof denied / sizeof *denied; i++)
                if (verdict(&c, denied[i]) != SYSCALL_DENIED)
                        fail_msg("%s is not denied by default", denied[i]);
        for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
                if (verdict(&c, allowed[i]) != SYSCALL_ALLOWED)
                        fail_msg("%s is not allowed by default", allowed[i]);
        ASSERT_VERDICT(&c, "ioctl", SYSCALL_RESTRICTED);
        ASSERT_VERDICT(&c, "socket", SYSCALL_RESTRICTED);
        config_done(&c);
}

/* A call a capability guards follows the capability. */
static void test_follows_capabilities(void **state) {
        struct config c;

        PARSE(&c, "--capability=CAP_SYS_TIME,CAP_SYS_MODULE,CAP_SYSLOG");
        ASSERT_VERDICT(&c, "clock_settime", SYSCALL_ALLOWED);
        ASSERT_VERDICT(&c, "adjtimex", SYSCALL_ALLOWED);
        ASSERT_VERDICT(&c, "init_module", SYSCALL_ALLOWED);
        ASSERT_VERDICT(&c, "syslog", SYSCALL_ALLOWED);
        ASSERT_VERDICT(&c, "iopl", SYSCALL_DENIED);
        config_done(&c);

        PARSE(&c, "--drop-capability=CAP_SYS_BOOT,CAP_SYS_PTRACE");
        ASSERT_VERDICT(&c, "reboot", SYSCALL_DENIED);
        ASSERT_VERDICT(&c, "ptrace", SYSCALL_DENIED);
        ASSERT_VERDICT(&c, "process_vm_writev", SYSCALL_DENIED);
        config_done(&c);

        /* the host-wide ones stay denied with every capability */
        PARSE(&c, "--capability=all");
        ASSERT_VERDICT(&c, "kexec_load", SYSCALL_DENIED);
        ASSERT_VERDICT(&c, "open_by_handle_at", SYSCALL_DENIED);
        ASSERT_VERDICT(&c, "keyctl", SYSCALL_DENIED);
        ASSERT_VERDICT(&c, "iopl", SYSCALL_ALLOWED);
        config_done(&c);
}

static void test_rules(void **state) {
        struct config c;

        PARSE(&c, "--system-call-filter=keyctl @swap", "--system-call-filter=~mount @io-uring");
        ASSERT_VERDICT(&c, "keyctl", SYSCALL_ALLOWED);
        ASSERT_VERDICT(&c, "add_key", SYSCALL_DENIED);
        ASSERT_VERDICT(&c, "swapon", SYSCALL_ALLOWED);
        ASSERT_VERDICT(&c, "swapoff", SYSCALL_ALLOWED);
        ASSERT_VERDICT(&c, "mount", SYSCALL_DENIED);
        ASSERT_VERDICT(&c, "umount2", SYSCALL_ALLOWED);
        ASSERT_VERDICT(&c, "io_uring_enter", SYSCALL_DENIED);
        config_done(&c);

        /* in one layer a denial wins, whatever the order */
        PARSE(&c, "--system-call-filter=~bpf", "--system-call-filter=bpf");
        ASSERT_VERDICT(&c, "bpf", SYSCALL_DENIED);
        config_done(&c);
        PARSE(&c, "--system-call-filter=~@keyring", "--system-call-filter=keyctl");
        ASSERT_VERDICT(&c, "keyctl", SYSCALL_DENIED);
        config_done(&c);

        /* naming a call with argument rules lifts them, denying it supersedes them */
        PARSE(&c, "--system-call-filter=ioctl", "--system-call-filter=~socket");
        ASSERT_VERDICT(&c, "ioctl", SYSCALL_ALLOWED);
        ASSERT_VERDICT(&c, "socket", SYSCALL_DENIED);
        config_done(&c);
}

/* The command line is a layer above the profile's. */
static void test_profile_layer(void **state) {
        char path[] = "/tmp/test-seccomp-filter-XXXXXX", *arg;
        int fd = mkstemp(path);
        struct config c;
        static const char text[] = "system-call-filter=~mount\nsystem-call-filter=bpf keyctl\n";

        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t) sizeof text - 1);
        close(fd);
        assert_true(asprintf(&arg, "--profile=%s", path) > 0);

        PARSE(&c, arg);
        ASSERT_VERDICT(&c, "mount", SYSCALL_DENIED);
        ASSERT_VERDICT(&c, "bpf", SYSCALL_ALLOWED);
        config_done(&c);

        PARSE(&c, arg, "--system-call-filter=mount", "--system-call-filter=~bpf");
        ASSERT_VERDICT(&c, "mount", SYSCALL_ALLOWED);
        ASSERT_VERDICT(&c, "bpf", SYSCALL_DENIED);
        ASSERT_VERDICT(&c, "keyctl", SYSCALL_ALLOWED);
        config_done(&c);

        unlink(path);
        free(arg);
}

#define GROUP_LIST "@clock @cpu-emulation @debug @io-uring @keyring @memlock @module @mount @obsolete " \
                   "@pkey @raw-io @reboot @swap"
#define GROUP_LIST_THREADS 4

static pthread_barrier_t group_list_start;

static void *group_list_thread(void *arg) {
        pthread_barrier_wait(&group_list_start);
        return (void *) (uintptr_t) !streq(seccomp_filter_group_list(), GROUP_LIST);
}

/* Threads that ask first, at once, in a child that has not asked yet: each gets the whole list. */
static bool group_list_first_use_ok(void) {
        pthread_t threads[GROUP_LIST_THREADS];
        uintptr_t bad = 0;
        void *ret;

        assert_int_equal(pthread_barrier_init(&group_list_start, NULL, GROUP_LIST_THREADS), 0);
        for (size_t i = 0; i < GROUP_LIST_THREADS; i++)
                assert_int_equal(pthread_create(&threads[i], NULL, group_list_thread, NULL), 0);
        for (size_t i = 0; i < GROUP_LIST_THREADS; i++) {
                assert_int_equal(pthread_join(threads[i], &ret), 0);
                bad |= (uintptr_t) ret;
        }
        return !bad;
}

/* The list was made into a static buffer with strcat() on first use: concurrent first uses
 * appended to it together, garbling it and running past its end. Runs first, before anything in
 * this process has asked for the list. */
static void test_group_list_first_use(void **state) {
        unsigned bad = 0;

        for (int i = 0; i < 200; i++) {
                pid_t pid = fork();
                int status;

                assert_true(pid >= 0);
                if (pid == 0)
                        _exit(group_list_first_use_ok() ? 0 : 1);
                assert_int_equal(waitpid(pid, &status, 0), pid);
                bad += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
        }
        if (bad > 0)
                fail_msg("%u of 200 children got a garbled list", bad);
        assert_string_equal(seccomp_filter_group_list(), GROUP_LIST);
}

static void test_names(void **state) {
        assert_true(seccomp_filter_name_is_valid("mount"));
        assert_true(seccomp_filter_name_is_valid("vm86"));
        assert_true(seccomp_filter_name_is_valid("@clock"));
        assert_false(seccomp_filter_name_is_valid("@Clock"));
        assert_false(seccomp_filter_name_is_valid("@"));
        assert_false(seccomp_filter_name_is_valid("nosuchcall"));
        assert_false(seccomp_filter_name_is_valid(""));
        assert_non_null(strstr(seccomp_filter_group_list(), "@keyring"));
}

static size_t program_length(const struct config *c) {
        struct seccomp_program p = {};
        size_t len;

        assert_int_equal(seccomp_filter_build(c, -EBADF, &p), 0);
        assert_non_null(p.filter);
        len = p.len;
        seccomp_program_done(&p);
        return len;
}

/* The filter builds for every architecture of the host, and rules show in it. */
static void test_build(void **state) {
        struct config c;
        size_t base, more;

        PARSE(&c, "-q");
        base = program_length(&c);
        config_done(&c);
        assert_true(base > 0);

        PARSE(&c, "--system-call-filter=~getpid gettid getppid");
        more = program_length(&c);
        config_done(&c);
        assert_true(more > base);
}

/* What syscon-init needs is refused only where it needs it. */
static void test_init_conflict(void **state) {
        static const struct {
                char *option, *more;
                const char *denied;
        } cases[] = {
                { "-q", NULL, NULL },
                { "--system-call-filter=~@debug @mount getpid", NULL, "getpid" },
                /* Within the command line a denial wins over an allowance, here too. */
                { "--system-call-filter=wait4", "--system-call-filter=~wait4", "wait4" },
                { "--system-call-filter=~setuid", NULL, NULL },
                { "--system-call-filter=~setuid", "--user=user", "setuid" },
                { "--system-call-filter=~chdir", NULL, NULL },
                { "--system-call-filter=~chdir", "--chdir=/tmp", "chdir" },
        };

        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                struct config c;
                const char *denied;

                if (cases[i].more)
                        PARSE(&c, cases[i].option, cases[i].more);
                else
                        PARSE(&c, cases[i].option);
                assert_int_equal(seccomp_filter_init_conflict(&c, &denied), 0);
                if (cases[i].denied)
                        assert_string_equal(denied, cases[i].denied);
                else
                        assert_null(denied);
                config_done(&c);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_group_list_first_use),
                cmocka_unit_test(test_default),
                cmocka_unit_test(test_follows_capabilities),
                cmocka_unit_test(test_rules),
                cmocka_unit_test(test_profile_layer),
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_build),
                cmocka_unit_test(test_init_conflict),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
