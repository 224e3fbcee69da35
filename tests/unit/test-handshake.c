/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "basic/handshake.h"
#include "basic/log.h"
#include "capture.h"

static int pair[2];

/* Control data the kernel never writes, put in place of what recvmsg() received, for the parsing
 * of it: this definition is the one handshake.c calls. */
static const void *fake_control;
static size_t fake_control_len;

ssize_t recvmsg(int fd, struct msghdr *mh, int flags) {
        size_t room = mh->msg_controllen;
        ssize_t n = syscall(SYS_recvmsg, fd, mh, flags);

        if (n >= 0 && fake_control) {
                assert_true(fake_control_len <= room);
                memcpy(mh->msg_control, fake_control, fake_control_len);
                mh->msg_controllen = fake_control_len;
        }
        return n;
}

static int setup(void **state) {
        log_set_max_level(LOG_LEVEL_ERROR);
        return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0 ? -1 : 0;
}

static int teardown(void **state) {
        safe_close(pair[0]);
        safe_close(pair[1]);
        return 0;
}

static void test_step_names(void **state) {
        assert_string_equal(handshake_step_to_string(HANDSHAKE_PARENT_READY), "parent-ready");
        assert_string_equal(handshake_step_to_string(HANDSHAKE_CONSOLE), "console");
        assert_string_equal(handshake_step_to_string(HANDSHAKE_CREATED), "created");
        assert_string_equal(handshake_step_to_string(HANDSHAKE_START), "start");
        assert_string_equal(handshake_step_to_string(HANDSHAKE_ERROR), "error");
        assert_string_equal(handshake_step_to_string(HANDSHAKE_EXEC_FAILED), "exec-failed");
        assert_string_equal(handshake_step_to_string(_HANDSHAKE_STEP_MAX), "invalid");
}

static void test_steps_in_order(void **state) {
        assert_int_equal(handshake_send(pair[1], HANDSHAKE_PARENT_READY, -EBADF), 0);
        assert_int_equal(handshake_send(pair[1], HANDSHAKE_CREATED, -EBADF), 0);
        assert_int_equal(handshake_expect(pair[0], HANDSHAKE_PARENT_READY, NULL, NULL), 0);
        assert_int_equal(handshake_expect(pair[0], HANDSHAKE_CREATED, NULL, NULL), 0);
}

static void test_out_of_order(void **state) {
        assert_int_equal(handshake_send(pair[1], HANDSHAKE_CREATED, -EBADF), 0);
        assert_int_equal(handshake_expect(pair[0], HANDSHAKE_CONSOLE, NULL, NULL), -EPROTO);
}

static void test_fd_passing(void **state) {
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), got = -EBADF;
        struct stat a, b;

        assert_true(fd >= 0);
        assert_int_equal(handshake_send(pair[1], HANDSHAKE_CONSOLE, fd), 0);
        assert_int_equal(handshake_expect(pair[0], HANDSHAKE_CONSOLE, &got, NULL), 0);
        assert_true(got >= 0);
        assert_int_not_equal(got, fd);
        assert_int_equal(fstat(fd, &a), 0);
        assert_int_equal(fstat(got, &b), 0);
        assert_int_equal(a.st_rdev, b.st_rdev);
        assert_int_equal(fcntl(got, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
        safe_close(fd);
        safe_close(got);
}

static void test_fd_on_wrong_step_is_closed(void **state) {
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), got = 12345;
        int lowest_free = fcntl(fd, F_DUPFD_CLOEXEC, 0);

        safe_close(lowest_free);
        assert_int_equal(handshake_send(pair[1], HANDSHAKE_CREATED, fd), 0);
        assert_int_equal(handshake_expect(pair[0], HANDSHAKE_CONSOLE, &got, NULL), -EPROTO);
        assert_int_equal(got, 12345);
        /* The fd that came with the wrong step was received and closed again, not leaked: the
         * lowest free number is still free. */
        int probe = open("/dev/null", O_RDONLY | O_CLOEXEC);
        assert_int_equal(probe, lowest_free);
        safe_close(probe);
        safe_close(fd);
}

static void test_error_carries_errno_and_text(void **state) {
        struct handshake_msg msg;

        assert_int_equal(handshake_send_error(pair[1], -ENOENT, "Failed to mount %s", "/proc"), -ENOENT);
        assert_int_equal(handshake_recv(pair[0], &msg, NULL), 1);
        assert_int_equal(msg.step, HANDSHAKE_ERROR);
        assert_int_equal(msg.error, ENOENT);
        assert_string_equal(msg.text, "Failed to mount /proc");

        assert_int_equal(handshake_send_error(pair[1], -EACCES, "denied"), -EACCES);
        assert_int_equal(handshake_expect(pair[0], HANDSHAKE_CREATED, NULL, NULL), -EACCES);
}

/* The child waits with handshake_expect() and has nobody to log to: whatever goes wrong, the
 * parent reports it, so nothing may reach the terminal from here as if the parent had said it. */
static void test_expect_never_logs(void **state) {
        struct handshake_msg msg;
        struct capture cap;
        char *text;

        log_set_max_level(LOG_LEVEL_DEBUG);
        capture_start(&cap, STDERR_FILENO);
        assert_int_equal(handshake_send(pair[1], HANDSHAKE_CONSOLE, -EBADF), 0);
        assert_int_equal(handshake_expect(pair[0], HANDSHAKE_START, NULL, &msg), -EPROTO);
        assert_int_equal(msg.step, HANDSHAKE_CONSOLE);
        handshake_send_error(pair[1], -EACCES, "denied");
        assert_int_equal(handshake_expect(pair[0], HANDSHAKE_START, NULL, &msg), -EACCES);
        assert_string_equal(msg.text, "denied");
        pair[1] = safe_close(pair[1]);
        assert_int_equal(handshake_expect(pair[0], HANDSHAKE_START, NULL, NULL), -ECONNRESET);
        fputs("end\n", stderr);
        text = capture_stop(&cap);
        log_set_max_level(LOG_LEVEL_ERROR);
        assert_string_equal(text, "end\n");
        free(text);
}

static void test_long_text_is_truncated(void **state) {
        char long_text[1000];
        struct handshake_msg msg;

        memset(long_text, 'x', sizeof long_text - 1);
        long_text[sizeof long_text - 1] = 0;
        handshake_send_error(pair[1], -EIO, "%s", long_text);
        assert_int_equal(handshake_recv(pair[0], &msg, NULL), 1);
        assert_int_equal(strlen(msg.text), HANDSHAKE_TEXT_MAX - 1);
}

static void test_eof(void **state) {
        struct handshake_msg msg;

        pair[1] = safe_close(pair[1]);
        assert_int_equal(handshake_recv(pair[0], &msg, NULL), 0);
        assert_int_equal(handshake_expect(pair[0], HANDSHAKE_CREATED, NULL, NULL), -ECONNRESET);
}

static void test_bad_messages(void **state) {
        struct handshake_msg msg = { .step = _HANDSHAKE_STEP_MAX };
        char runt[8] = {};

        assert_int_equal(send(pair[1], &msg, sizeof msg, 0), (ssize_t) sizeof msg);
        assert_int_equal(handshake_recv(pair[0], &msg, NULL), -EBADMSG);

        assert_int_equal(send(pair[1], runt, sizeof runt, 0), (ssize_t) sizeof runt);
        assert_int_equal(handshake_recv(pair[0], &msg, NULL), -EBADMSG);

        /* A text without a terminating NUL is cut, never read past. */
        memset(&msg, 'A', sizeof msg);
        msg.step = HANDSHAKE_ERROR;
        msg.error = EIO;
        assert_int_equal(send(pair[1], &msg, sizeof msg, 0), (ssize_t) sizeof msg);
        assert_int_equal(handshake_recv(pair[0], &msg, NULL), 1);
        assert_int_equal(strlen(msg.text), HANDSHAKE_TEXT_MAX - 1);
}

/* A message whose control data holds `header` (with `len` as its length), as if received. */
static int recv_with_control(struct cmsghdr header, size_t len, int *ret_fd) {
        struct handshake_msg msg;
        int r;

        header.cmsg_len = len;
        fake_control = &header;
        fake_control_len = sizeof header;
        assert_int_equal(handshake_send(pair[1], HANDSHAKE_CONSOLE, -EBADF), 0);
        r = handshake_recv(pair[0], &msg, ret_fd);
        fake_control = NULL;
        return r;
}

/* SCM_RIGHTS headers that carry no fd, or claim more than was received, are ignored; before, the
 * count of fds they gave sized an array on the stack: 0 (undefined), or, for a length shorter
 * than the header, nearly SIZE_MAX / 4 (a crash). */
static void test_malformed_fd_headers(void **state) {
        struct cmsghdr rights = { .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_RIGHTS };
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), got = 12345;
        struct stat st;

        assert_true(fd >= 0);
        assert_int_equal(recv_with_control(rights, CMSG_LEN(0), &got), 1);
        assert_int_equal(got, -EBADF);
        assert_int_equal(recv_with_control(rights, sizeof rights - 1, &got), 1);
        assert_int_equal(got, -EBADF);
        assert_int_equal(recv_with_control(rights, 0, &got), 1);
        assert_int_equal(got, -EBADF);
        /* Past the control buffer: what lies beyond it is no fd to close. */
        assert_int_equal(recv_with_control(rights, CMSG_LEN(64 * sizeof(int)), &got), 1);
        assert_int_equal(got, -EBADF);
        assert_int_equal(fstat(fd, &st), 0);
        assert_int_equal(fstat(pair[0], &st), 0);
        assert_int_equal(fstat(pair[1], &st), 0);
        safe_close(fd);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_step_names),
                cmocka_unit_test_setup_teardown(test_steps_in_order, setup, teardown),
                cmocka_unit_test_setup_teardown(test_out_of_order, setup, teardown),
                cmocka_unit_test_setup_teardown(test_fd_passing, setup, teardown),
                cmocka_unit_test_setup_teardown(test_expect_never_logs, setup, teardown),
                cmocka_unit_test_setup_teardown(test_fd_on_wrong_step_is_closed, setup, teardown),
                cmocka_unit_test_setup_teardown(test_error_carries_errno_and_text, setup, teardown),
                cmocka_unit_test_setup_teardown(test_long_text_is_truncated, setup, teardown),
                cmocka_unit_test_setup_teardown(test_eof, setup, teardown),
                cmocka_unit_test_setup_teardown(test_bad_messages, setup, teardown),
                cmocka_unit_test_setup_teardown(test_malformed_fd_headers, setup, teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
