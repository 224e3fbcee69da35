/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "basic/handshake-wire.h"
#include "basic/macro.h"

const char *handshake_step_to_string(enum handshake_step step);

/* Sends one step; `pass_fd` (or -EBADF) travels with it by SCM_RIGHTS. */
int handshake_send(int fd, enum handshake_step step, int pass_fd);

/* Sends HANDSHAKE_ERROR carrying `error` (negative errno) and the formatted text (%m names
 * `error`). Returns `error`, so that a failing child step reads `return handshake_send_error(...)`. */
int handshake_send_error(int fd, int error, const char *format, ...) _printf_(3, 4);

/* Receives one message. Returns 1 and fills `ret` (and `ret_fd` if an fd came with it, else
 * -EBADF), 0 at end-of-file (the peer closed its last copy of the socket), or a negative errno.
 * A message of the wrong size or an unknown step is -EBADMSG. */
int handshake_recv(int fd, struct handshake_msg *ret, int *ret_fd);

/* Receives the next message and checks it is `expected`. Returns 0 (and the fd that came with it in
 * `ret_fd`, if not NULL), or: the peer's errno for a HANDSHAKE_ERROR, -ECONNRESET at end-of-file,
 * -EPROTO for another step, or what handshake_recv() returned. `ret_msg` (if not NULL) receives the
 * message, for the caller's report. Does not log: the child has nobody to log to, and the parent
 * knows what the step was for. */
int handshake_expect(int fd, enum handshake_step expected, int *ret_fd, struct handshake_msg *ret_msg);
