/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>

/* trace-exit (helper-trace.c): run on the host, a tracer that keeps PID's zombie from its parent. */
int helper_trace_exit(pid_t pid, long hold_ms);
