/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "basic/handshake.h"

static const char *const step_names[_HANDSHAKE_STEP_MAX] = {
        [HANDSHAKE_PARENT_READY] = "parent-ready",
        [HANDSHAKE_CONSOLE] = "console",
        [HANDSHAKE_CREATED] = "created",
        [HANDSHAKE_START] = "start",
        [HANDSHAKE_ERROR] = "error",
        [HANDSHAKE_EXEC_FAILED] = "exec-failed",
};

const char *handshake_step_to_string(enum handshake_step step) {
        if ((unsigned) step >= _HANDSHAKE_STEP_MAX)
                return "invalid";
        return step_names[step];
}

static int send_msg(int fd, const struct handshake_msg *msg, int pass_fd) {
        union {
                struct cmsghdr header;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        struct iovec iov = { .iov_base = (void *) msg, .iov_len = sizeof *msg };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

        if (pass_fd >= 0) {
                mh.msg_control = &control;
                mh.msg_controllen = sizeof control.buf;
                struct cmsghdr *cmsg = CMSG_FIRSTHDR(&mh);
                cmsg->cmsg_level = SOL_SOCKET;
                cmsg->cmsg_type = SCM_RIGHTS;
                cmsg->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(cmsg), &pass_fd, sizeof(int));
        }

        ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);
        if (n < 0)
                return -errno;
        return n == (ssize_t) sizeof *msg ? 0 : -EIO;
}

int handshake_send(int fd, enum handshake_step step, int pass_fd) {
        struct handshake_msg msg = { .step = step };

        return send_msg(fd, &msg, pass_fd);
}

int handshake_send_error(int fd, int error, const char *format, ...) {
        struct handshake_msg msg = { .step = HANDSHAKE_ERROR, .error = error < 0 ? -error : error };
        va_list ap;

        va_start(ap, format);
        errno = msg.error;
        vsnprintf(msg.text, sizeof msg.text, format, ap);
        va_end(ap);

        (void) send_msg(fd, &msg, -EBADF);
        return error;
}

/* The fds of one SCM_RIGHTS header; 0 for a header whose length is shorter than itself or runs
 * past the control data received, which holds no fd to take (or close). */
static size_t passed_fd_count(const struct msghdr *mh, const struct cmsghdr *c) {
        size_t room = (size_t) ((const char *) mh->msg_control + mh->msg_controllen - (const char *) c);

        if (c->cmsg_len < CMSG_LEN(0) || c->cmsg_len > room)
                return 0;
        return (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
}

static int take_passed_fd(struct msghdr *mh) {
        int fd = -EBADF;

        for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t n = passed_fd_count(mh, c);
                /* Exactly one fd is expected; anything more is closed, never leaked. */
                for (size_t i = 0; i < n; i++) {
                        int passed;

                        memcpy(&passed, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                        if (fd < 0)
                                fd = passed;
                        else
                                safe_close(passed);
                }
        }
        return fd;
}

int handshake_recv(int fd, struct handshake_msg *ret, int *ret_fd) {
        union {
                struct cmsghdr header;
                char buf[CMSG_SPACE(sizeof(int) * 4)];
        } control = {};
        struct iovec iov = { .iov_base = ret, .iov_len = sizeof *ret };
        struct msghdr mh = {
                .msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = &control,
                .msg_controllen = sizeof control.buf,
        };
        ssize_t n;

        if (ret_fd)
                *ret_fd = -EBADF;

        do
                n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;

        _cleanup_close_ int passed = take_passed_fd(&mh);
        if (n == 0)
                return 0;
        if (n != (ssize_t) sizeof *ret || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
            ret->step >= _HANDSHAKE_STEP_MAX)
                return -EBADMSG;

        ret->text[sizeof ret->text - 1] = 0;
        if (ret_fd)
                *ret_fd = TAKE_FD(passed);
        return 1;
}

int handshake_expect(int fd, enum handshake_step expected, int *ret_fd, struct handshake_msg *ret_msg) {
        _cleanup_close_ int passed = -EBADF;
        struct handshake_msg msg = {};
        int r;

        r = handshake_recv(fd, &msg, &passed);
        if (ret_msg)
                *ret_msg = msg;
        if (r < 0)
                return r;
        if (r == 0)
                return -ECONNRESET;
        if (msg.step == HANDSHAKE_ERROR)
                return msg.error > 0 ? -msg.error : -EIO;
        if (msg.step != expected)
                return -EPROTO;
        if (ret_fd)
                *ret_fd = TAKE_FD(passed);
        return 0;
}
