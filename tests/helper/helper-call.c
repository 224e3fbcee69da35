/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A system call by its number in one ABI: the helper's try-syscall, and the unit test that loads the
 * compiled filter. */
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper-sec.h"

static const long nr_native[_HELPER_CALL_MAX] = { HELPER_CALLS(HELPER_CALL_NR) };

#if defined(__x86_64__)
/* The i386 entry from 64-bit code: the kernel runs the call as a compat one, and seccomp sees
 * AUDIT_ARCH_I386. r8-r15 are not preserved across it. */
static long syscall_int80(long nr, const long a[5]) {
        long ret;

        __asm__ volatile("int $0x80"
                         : "=a"(ret)
                         : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4])
                         : "memory", "cc", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15");
        return (int) ret < 0 ? ((errno = -(int) ret), -1) : ret;
}
#endif

long helper_call(enum helper_abi abi, enum helper_call call, const long a[5]) {
#if defined(__x86_64__)
        if (abi == HELPER_ABI_I386)
                return syscall_int80(helper_nr_i386[call], a);
        if (abi == HELPER_ABI_X32)
                return syscall(helper_nr_x32[call], a[0], a[1], a[2], a[3], a[4]);
#endif
        return syscall(nr_native[call], a[0], a[1], a[2], a[3], a[4]);
}
