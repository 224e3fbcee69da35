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

/* The ABIs a call can be made in (helper-call.c): on x86-64 also i386 (int $0x80 from this 64-bit
 * process) and x32 (__X32_SYSCALL_BIT). */
enum helper_abi { HELPER_ABI_NATIVE, HELPER_ABI_I386, HELPER_ABI_X32 };

/* Makes `call` in `abi` with the arguments `a`: what it returns, or -1 with errno set. Over i386
 * only the low 32 bits of each argument arrive (a pointer must be below 4 GiB), and a kernel
 * without i386 emulation answers with SIGSEGV. */
long helper_call(enum helper_abi abi, enum helper_call call, const long a[5]);

/* Runs the subcommand if it is one of these; returns -1 if it is not. */
int helper_sec_main(const char *cmd, int argc, char **argv);
