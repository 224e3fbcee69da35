/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Accepts "SIGTERM", "TERM", "RTMIN+3", "SIGRTMIN+3", "RTMAX-1" and plain numbers 1..NSIG-1.
 * Returns the signal number, or -EINVAL. */
int signal_from_string(const char *s);

/* "SIGTERM", "SIGRTMIN+3", ...: a static string, or NULL for a number that is no signal. */
const char *signal_to_string(int sig);
