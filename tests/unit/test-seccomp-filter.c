/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/keyctl.h>
#include <linux/netlink.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "basic/macro.h"
#include "settings/merge.h"
#include "settings/options-security.h"
#include "core/seccomp-filter.h"
#include "helper/helper-sec.h"
#include "settings/options.h"

/* The filter's decisions, from options as a user gives them; and the BPF it builds, loaded in a
 * child, for what the kernel then does with each ABI's system calls. */

static void parse(struct config *c, char **argv) {
        int argc = 0;

        while (argv[argc])
                argc++;
        *c = (struct config) {};
        assert_int_equal(options_parse(VERB_RUN, argc, argv, c), 0);
        assert_int_equal(settings_merge(c), 0);
}
#define PARSE(c, ...) parse((c), (char *[]) { "run", __VA_ARGS__, "/tree", NULL })

static enum syscall_verdict verdict(const struct config *c, const char *name) {
        enum syscall_verdict v;

        const struct seccomp_rules rules = security_seccomp_rules(c);

        assert_int_equal(seccomp_filter_verdict(&rules, name, &v), 0);
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

/* --- the compiled filter, loaded ------------------------------------------------------------ */

/* The one place that makes what seccomp_filter_build() takes, from options as a user gives them. */
static void build_filter(char **options, struct seccomp_program *ret) {
        char *argv[8] = { "run" };
        size_t n = 1;
        struct config c;

        while (*options && n < ELEMENTSOF(argv) - 2)
                argv[n++] = *options++;
        argv[n] = "/tree";
        parse(&c, argv);
        const struct seccomp_rules rules = security_seccomp_rules(&c);
        assert_int_equal(seccomp_filter_build(&rules, -EBADF, ret), 0);
        config_done(&c);
        assert_non_null(ret->filter);
}

static const char *const abi_names[] = {
        [HELPER_ABI_NATIVE] = "native", [HELPER_ABI_I386] = "i386", [HELPER_ABI_X32] = "x32",
};

#define ARG_DEVNULL (-1000001L)

/* Arguments that make each call fail, or do nothing, when it gets through: the kernel's answer is
 * not EPERM (checked without a filter), so EPERM is the filter's. */
enum {
        P_KEYCTL, P_CLOCK_SETTIME, P_PERF_EVENT_OPEN, P_PTRACE, P_GETPID, P_TIOCSTI, P_TIOCSTI_HIGH,
        P_TCGETS, P_SOCKET_AUDIT, P_SOCKET_ROUTE, _P_MAX
};
static const struct probe {
        const char *name;
        enum helper_call call;
        long args[5];
} probes[_P_MAX] = {
        [P_KEYCTL] = { "keyctl", HELPER_CALL_keyctl, { KEYCTL_GET_KEYRING_ID, -100 } }, /* EINVAL */
        [P_CLOCK_SETTIME] = { "clock_settime", HELPER_CALL_clock_settime, { CLOCK_REALTIME, 0 } }, /* EFAULT */
        [P_PERF_EVENT_OPEN] = { "perf_event_open", HELPER_CALL_perf_event_open, { 0, 0, -1, -1 } },
        [P_PTRACE] = { "ptrace", HELPER_CALL_ptrace, { PTRACE_CONT, 0 } }, /* ESRCH */
        [P_GETPID] = { "getpid", HELPER_CALL_getpid },
        /* ENOTTY on /dev/null; the kernel reads the command as an unsigned int. */
        [P_TIOCSTI] = { "ioctl TIOCSTI", HELPER_CALL_ioctl, { ARG_DEVNULL, TIOCSTI } },
        [P_TIOCSTI_HIGH] = { "ioctl TIOCSTI|1<<32", HELPER_CALL_ioctl, { ARG_DEVNULL, (long) (1UL << 32 | TIOCSTI) } },
        [P_TCGETS] = { "ioctl TCGETS", HELPER_CALL_ioctl, { ARG_DEVNULL, TCGETS } },
        [P_SOCKET_AUDIT] = { "socket NETLINK_AUDIT", HELPER_CALL_socket, { AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT } },
        [P_SOCKET_ROUTE] = { "socket NETLINK_ROUTE", HELPER_CALL_socket, { AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE } },
};

/* The child's side: each probe's errno (0: it worked), after loading `p` if given. Between the
 * load and _exit() it makes only the probes' calls (and closes the sockets they open). */
static _noreturn_ void probe_child(enum helper_abi abi, const struct seccomp_program *p, int results[static _P_MAX]) {
        int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

        /* cmocka catches these to report a test's crash: here they must end the child. */
        signal(SIGSYS, SIG_DFL);
        signal(SIGSEGV, SIG_DFL);
        if (devnull < 0)
                _exit(2);
        /* no_new_privs lets an unprivileged process load a filter. */
        if (p && (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_filter_load(p) < 0))
                _exit(3);
        for (size_t i = 0; i < _P_MAX; i++) {
                long a[5];
                long r;

                for (size_t j = 0; j < 5; j++)
                        a[j] = probes[i].args[j] == ARG_DEVNULL ? devnull : probes[i].args[j];
                r = helper_call(abi, probes[i].call, a);
                results[i] = r < 0 ? errno : 0;
                if (r >= 0 && probes[i].call == HELPER_CALL_socket)
                        close((int) r);
        }
        _exit(0);
}

/* Runs the probes in a child (with the filter `p` loaded, or none). */
static void run_probes(enum helper_abi abi, const struct seccomp_program *p, int results[static _P_MAX]) {
        int *shared = mmap(NULL, sizeof(int) * _P_MAX, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        int status;
        pid_t pid;

        assert_true(shared != MAP_FAILED);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
                probe_child(abi, p, shared);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (WIFSIGNALED(status))
                fail_msg("%s: the child was killed by signal %d%s", abi_names[abi], WTERMSIG(status),
                         WTERMSIG(status) == SIGSYS ? " (SIGSYS: an ABI the filter does not know)" : "");
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                fail_msg("%s: the child could not %s", abi_names[abi],
                         WEXITSTATUS(status) == 3 ? "load the filter" : "open /dev/null");
        memcpy(results, shared, sizeof(int) * _P_MAX);
        munmap(shared, sizeof(int) * _P_MAX);
}

/* What the filter does with a probe: nothing (the kernel's own answer), EPERM, or the audit
 * socket's EAFNOSUPPORT, except on ABIs where socket() may come multiplexed as socketcall(2) and
 * the filter leaves its arguments alone (i386). */
enum expect { SAME, DENIED, AUDIT };

static const struct scenario {
        char *options[3];
        enum expect expect[_P_MAX];
} scenarios[] = {
        { { "-q" },
          { [P_KEYCTL] = DENIED, [P_CLOCK_SETTIME] = DENIED, [P_PERF_EVENT_OPEN] = DENIED,
            [P_TIOCSTI] = DENIED, [P_TIOCSTI_HIGH] = DENIED, [P_SOCKET_AUDIT] = AUDIT } },
        /* Named in an allow rule, a call loses its argument rules; one a capability guards
         * follows the capability; the host-wide ones stay denied. */
        { { "--system-call-filter=keyctl ioctl", "--capability=CAP_SYS_TIME" },
          { [P_PERF_EVENT_OPEN] = DENIED, [P_SOCKET_AUDIT] = AUDIT } },
        /* Denied as a whole, a call is denied whatever its arguments. */
        { { "--system-call-filter=~getpid ioctl socket", "--drop-capability=CAP_SYS_PTRACE" },
          { [P_KEYCTL] = DENIED, [P_CLOCK_SETTIME] = DENIED, [P_PERF_EVENT_OPEN] = DENIED,
            [P_PTRACE] = DENIED, [P_GETPID] = DENIED, [P_TIOCSTI] = DENIED, [P_TIOCSTI_HIGH] = DENIED,
            [P_TCGETS] = DENIED, [P_SOCKET_AUDIT] = DENIED, [P_SOCKET_ROUTE] = DENIED } },
};

static void check_probe(enum helper_abi abi, const struct scenario *s, size_t i, int unfiltered, int filtered) {
        enum expect e = s->expect[i] == AUDIT && abi == HELPER_ABI_I386 ? SAME : s->expect[i];
        int want = e == DENIED ? EPERM : e == AUDIT ? EAFNOSUPPORT : unfiltered;

        if (e != SAME && unfiltered == want)
                fail_msg("%s (%s): %s without a filter too, so the probe proves nothing", probes[i].name,
                         abi_names[abi], strerrorname_np(want));
        if (filtered != want)
                fail_msg("%s (%s) with %s %s: %s, want %s", probes[i].name, abi_names[abi], s->options[0],
                         s->options[1] ?: "", filtered ? strerrorname_np(filtered) : "ok",
                         want ? strerrorname_np(want) : "ok");
}

static void check_abi(enum helper_abi abi) {
        int unfiltered[_P_MAX], filtered[_P_MAX];

        run_probes(abi, NULL, unfiltered);
        for (size_t s = 0; s < ELEMENTSOF(scenarios); s++) {
                struct seccomp_program p = {};

                build_filter((char **) scenarios[s].options, &p);
                run_probes(abi, &p, filtered);
                seccomp_program_done(&p);
                for (size_t i = 0; i < _P_MAX; i++)
                        check_probe(abi, scenarios + s, i, unfiltered[i], filtered[i]);
        }
}

static void test_filter_native(void **state) {
        check_abi(HELPER_ABI_NATIVE);
}

static void test_filter_compat(void **state) {
        check_abi(*(enum helper_abi *) *state);
}

#if defined(__x86_64__)
/* Whether this kernel runs i386 calls from a 64-bit process: without IA32 emulation (compiled out,
 * ia32_emulation=0, or a hypervisor without it) int $0x80 is SIGSEGV. */
static bool kernel_runs_i386(void) {
        static const long none[5];
        int status;
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0) {
                signal(SIGSEGV, SIG_DFL);
                _exit(helper_call(HELPER_ABI_I386, HELPER_CALL_getpid, none) == getpid() ? 0 : 1);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return true;
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV)
                fail_msg("int $0x80 getpid: neither worked nor SIGSEGV (status %#x)", status);
        return false;
}
#endif

/* Why this host cannot show what the filter does with a compat ABI's calls, or NULL. The filter
 * sees x32 calls (x86-64 ones with __X32_SYSCALL_BIT) whether or not the kernel runs them: without
 * x32 support each allowed one is the kernel's ENOSYS, which the comparison takes as it comes. */
static const char *compat_abi_missing(enum helper_abi abi) {
#if defined(__x86_64__)
        if (abi == HELPER_ABI_I386 && !kernel_runs_i386())
                return "this kernel does not run i386 system calls (int $0x80 is SIGSEGV)";
        return NULL;
#else
        return "a compat ABI of x86-64";
#endif
}

/* `--abi=i386` or `--abi=x32`: that ABI only, skipped as a whole (TAP's "1..0 # SKIP", which cmocka's
 * skip() does not give) where the host does not have it. */
static int run_compat(const char *arg) {
        static enum helper_abi abi;
        const char *missing;

        if (streq(arg, "--abi=i386"))
                abi = HELPER_ABI_I386;
        else if (streq(arg, "--abi=x32"))
                abi = HELPER_ABI_X32;
        else {
                fprintf(stderr, "unknown argument %s\n", arg);
                return 2;
        }
        missing = compat_abi_missing(abi);
        if (missing) {
                printf("1..0 # SKIP %s: %s\n", abi_names[abi], missing);
                return 0;
        }
#if defined(__x86_64__)
        if (abi == HELPER_ABI_X32 && helper_call(HELPER_ABI_X32, HELPER_CALL_getpid, (const long[5]) {}) != getpid())
                printf("# x32: this kernel has no x32 support; the filter still sees the calls\n");
#endif
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_prestate(test_filter_compat, &abi),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
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
                const struct seccomp_rules rules = security_seccomp_rules(&c);
                assert_int_equal(seccomp_filter_init_conflict(&rules, c.user, c.working_directory, &denied), 0);
                if (cases[i].denied)
                        assert_string_equal(denied, cases[i].denied);
                else
                        assert_null(denied);
                config_done(&c);
        }
}

int main(int argc, char **argv) {
        if (argc > 1)
                return run_compat(argv[1]);

        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_group_list_first_use),
                cmocka_unit_test(test_default),
                cmocka_unit_test(test_follows_capabilities),
                cmocka_unit_test(test_rules),
                cmocka_unit_test(test_profile_layer),
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_filter_native),
                cmocka_unit_test(test_init_conflict),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
