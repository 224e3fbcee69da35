/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The i386 numbers, as a 64-bit process reaches them with int $0x80. Nothing else may be included
 * here: the native header defines the same names. */
#if defined(__x86_64__)
#include <asm/unistd_32.h>

/* Not in the i386 ABI: the probe fails with ENOSYS, as the kernel would answer. */
#define __NR_kexec_file_load (-1)

#include "helper-sec.h"

const long helper_nr_i386[_HELPER_CALL_MAX] = { HELPER_CALLS(HELPER_CALL_NR) };
#endif
