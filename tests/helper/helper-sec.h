/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The helper's security subcommands (helper-sec.c): capability sets and system calls as the
 * container sees them. */

/* The system calls `try-syscall` makes, by their kernel names. Each ABI's numbers come from that
 * ABI's own kernel header, in a file of their own (the headers define the same macro names). */
#define HELPER_CALLS(X) \
        X(kexec_load) X(kexec_file_load) X(init_module) X(finit_module) X(delete_module) \
        X(swapon) X(swapoff) X(open_by_handle_at) X(keyctl) X(bpf) X(perf_event_open) \
        X(fanotify_init) X(quotactl) X(clock_settime) X(reboot) X(mount) X(ptrace) X(syslog) \
        X(ioctl) X(socket) X(getpid)

#define HELPER_CALL_ENUM(name) HELPER_CALL_##name,
enum helper_call { HELPER_CALLS(HELPER_CALL_ENUM) _HELPER_CALL_MAX };

/* The number of each call in one ABI's table. */
#define HELPER_CALL_NR(name) [HELPER_CALL_##name] = __NR_##name,

#if defined(__x86_64__)
extern const long helper_nr_i386[_HELPER_CALL_MAX];
extern const long helper_nr_x32[_HELPER_CALL_MAX];
#endif

/* Runs the subcommand if it is one of these; returns -1 if it is not. */
int helper_sec_main(const char *cmd, int argc, char **argv);
