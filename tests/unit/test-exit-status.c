/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpdir.h"

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

/* 127 when the path leads to no file, whatever stopped the lookup; 126 when a file is there but
 * cannot run. */
static void test_exec_error(void **state) {
        assert_int_equal(exit_status_from_exec_error(ENOENT), 127);
        assert_int_equal(exit_status_from_exec_error(-ENOENT), 127);
        assert_int_equal(exit_status_from_exec_error(ENOTDIR), 127);
        assert_int_equal(exit_status_from_exec_error(-ENOTDIR), 127);
        assert_int_equal(exit_status_from_exec_error(ELOOP), 127);
        assert_int_equal(exit_status_from_exec_error(-ELOOP), 127);
        assert_int_equal(exit_status_from_exec_error(-ENAMETOOLONG), 127);
        assert_int_equal(exit_status_from_exec_error(EACCES), 126);
        assert_int_equal(exit_status_from_exec_error(-EACCES), 126);
        assert_int_equal(exit_status_from_exec_error(ENOEXEC), 126);
        assert_int_equal(exit_status_from_exec_error(-ENOEXEC), 126);
        assert_int_equal(exit_status_from_exec_error(-EISDIR), 126);
        assert_int_equal(exit_status_from_exec_error(-ETXTBSY), 126);
        assert_int_equal(exit_status_from_exec_error(-EPERM), 126);
        assert_int_equal(exit_status_from_exec_error(-E2BIG), 126);
        assert_int_equal(exit_status_from_exec_error(0), 126);
}

/* The status a child gets from the rule after a real execve() of PATH, as syscon-init exits. */
static int status_of_exec(const char *path) {
        siginfo_t si;
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0) {
                execve(path, (char *[]) { (char *) path, NULL }, (char *[]) { NULL });
                _exit(exit_status_from_exec_error(errno));
        }
        assert_int_equal(waitid(P_PID, (id_t) pid, &si, WEXITED), 0);
        assert_int_equal(si.si_code, CLD_EXITED);
        return si.si_status;
}

static void write_file(const char *path, const char *text, mode_t mode) {
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
        assert_int_equal(close(fd), 0);
}

/* The errnos the kernel really gives for each kind of path, through the rule. */
static void test_exec_error_real(void **state) {
        char *dir = tmpdir_new();
        char *not_dir = path_join(dir, "file/x"), *loop = path_join(dir, "loop");
        char *loop_below = path_join(dir, "loop/x"), *missing = path_join(dir, "missing");
        char *plain = path_join(dir, "file"), *garbage = path_join(dir, "garbage");

        write_file(plain, "#!/bin/sh\n", 0644);
        write_file(garbage, "\x01\x02 not a program\n", 0755);
        assert_int_equal(symlink("loop", loop), 0);

        assert_int_equal(status_of_exec(missing), 127);   /* ENOENT */
        assert_int_equal(status_of_exec(not_dir), 127);   /* ENOTDIR: "file" is no directory */
        assert_int_equal(status_of_exec(loop), 127);      /* ELOOP */
        assert_int_equal(status_of_exec(loop_below), 127);
        assert_int_equal(status_of_exec(plain), 126);     /* EACCES: no x bit, even for root */
        assert_int_equal(status_of_exec(dir), 126);       /* EACCES: a directory */
        assert_int_equal(status_of_exec(garbage), 126);   /* ENOEXEC */

        free(not_dir);
        free(loop);
        free(loop_below);
        free(missing);
        free(plain);
        free(garbage);
        tmpdir_free(dir);
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
                cmocka_unit_test(test_exec_error_real),
                cmocka_unit_test(test_real_child),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
