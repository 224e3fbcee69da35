/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The x32 numbers (the x86-64 syscall instruction with __X32_SYSCALL_BIT set). Nothing else may be
 * included here: the native header defines the same names. */
#if defined(__x86_64__)
#define __X32_SYSCALL_BIT 0x40000000
#include <asm/unistd_x32.h>

#include "helper-sec.h"

const long helper_nr_x32[_HELPER_CALL_MAX] = { HELPER_CALLS(HELPER_CALL_NR) };
#endif
