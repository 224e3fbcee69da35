/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "basic/exit-status.h"

static int status_of(int code, int status) {
        siginfo_t si;

        memset(&si, 0, sizeof si);
        si.si_signo = SIGCHLD;
        si.si_code = code;
        si.si_status = status;
        return exit_status_from_siginfo(&si);
}

static void test_exited(void **state) {
        assert_int_equal(status_of(CLD_EXITED, 0), 0);
        assert_int_equal(status_of(CLD_EXITED, 1), 1);
        assert_int_equal(status_of(CLD_EXITED, 42), 42);
        assert_int_equal(status_of(CLD_EXITED, 125), 125);
        assert_int_equal(status_of(CLD_EXITED, 255), 255);
}

static void test_killed(void **state) {
        assert_int_equal(status_of(CLD_KILLED, SIGKILL), 137);
        assert_int_equal(status_of(CLD_KILLED, SIGTERM), 143);
        assert_int_equal(status_of(CLD_KILLED, SIGINT), 130);
        assert_int_equal(status_of(CLD_DUMPED, SIGSEGV), 139);
        assert_int_equal(status_of(CLD_DUMPED, SIGABRT), 134);
}

static void test_not_an_exit(void **state) {
        assert_int_equal(status_of(CLD_STOPPED, SIGSTOP), EXIT_LAUNCHER_ERROR);
        assert_int_equal(status_of(CLD_TRAPPED, SIGTRAP), EXIT_LAUNCHER_ERROR);
        assert_int_equal(status_of(CLD_CONTINUED, SIGCONT), EXIT_LAUNCHER_ERROR);
        assert_int_equal(status_of(0, 0), 125);
}

static void test_exec_error(void **state) {
        assert_int_equal(exit_status_from_exec_error(ENOENT), 127);
        assert_int_equal(exit_status_from_exec_error(-ENOENT), 127);
        assert_int_equal(exit_status_from_exec_error(EACCES), 126);
        assert_int_equal(exit_status_from_exec_error(-EACCES), 126);
        assert_int_equal(exit_status_from_exec_error(ENOEXEC), 126);
        assert_int_equal(exit_status_from_exec_error(-ENOEXEC), 126);
        assert_int_equal(exit_status_from_exec_error(ENOTDIR), 126);
        assert_int_equal(exit_status_from_exec_error(-ENOTDIR), 126);
        assert_int_equal(exit_status_from_exec_error(-ELOOP), 126);
        assert_int_equal(exit_status_from_exec_error(-EPERM), 126);
        assert_int_equal(exit_status_from_exec_error(-E2BIG), 126);
        assert_int_equal(exit_status_from_exec_error(0), 126);
}

static void test_real_child(void **state) {
        siginfo_t si;
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0)
                _exit(42);
        assert_int_equal(waitid(P_PID, (id_t) pid, &si, WEXITED), 0);
        assert_int_equal(exit_status_from_siginfo(&si), 42);

        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                pause();
                _exit(0);
        }
        assert_int_equal(kill(pid, SIGTERM), 0);
        assert_int_equal(waitid(P_PID, (id_t) pid, &si, WEXITED), 0);
        assert_int_equal(exit_status_from_siginfo(&si), 143);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_exited),
                cmocka_unit_test(test_killed),
                cmocka_unit_test(test_not_an_exit),
                cmocka_unit_test(test_exec_error),
                cmocka_unit_test(test_real_child),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
