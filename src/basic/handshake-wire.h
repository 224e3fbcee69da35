/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The wire format of the one SOCK_SEQPACKET socketpair between the supervisor and the container.
 * Shared with syscon-init, which must stay free of syscon's libraries: header only, no code. */

#include <stdint.h>

enum handshake_step {
        HANDSHAKE_PARENT_READY, /* parent -> child: host-side setup done, build the container */
        HANDSHAKE_CONSOLE,      /* child -> parent: pty master attached by SCM_RIGHTS */
        HANDSHAKE_CREATED,      /* child -> parent: tree entered, confined, waiting for START */
        HANDSHAKE_START,        /* parent -> child: exec init */
        HANDSHAKE_ERROR,        /* child -> parent: setup failed: error and text say why */
        HANDSHAKE_EXEC_FAILED,  /* syscon-init -> parent: the command could not be executed */
        _HANDSHAKE_STEP_MAX,
};

#define HANDSHAKE_TEXT_MAX 248

struct handshake_msg {
        uint32_t step;
        int32_t error; /* positive errno, or 0 */
        char text[HANDSHAKE_TEXT_MAX];
};

/* syscon-init finds the socket here. It sends HANDSHAKE_EXEC_FAILED (error = errno, text = the
 * command) or HANDSHAKE_ERROR if the command cannot be started; when the command's execve()
 * succeeds the last copy of the socket closes, and the supervisor reads end-of-file. */
#define SYSCON_INIT_HANDSHAKE_FD 3
