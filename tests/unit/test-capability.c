/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/capability.h"

/* Numbers as a running kernel hands them out (cap_max_bits()), not constants the compiler folds. */
static volatile int cap_number;

static uint64_t bit_of(int cap) {
        cap_number = cap;
        return CAPABILITY_BIT(cap_number);
}

/* Each capability a mask can hold is its own bit. */
static void test_bit_in_range(void **state) {
        for (int cap = 0; cap < 64; cap++)
                assert_int_equal(bit_of(cap), UINT64_C(1) << cap);
}

/* A kernel with more capabilities than the mask holds: capability 64 must be in no mask (so that
 * capability_apply() drops it), not wrap onto CAP_CHOWN's bit and be kept with it. */
static void test_bit_out_of_range(void **state) {
        static const int outside[] = { 64, 65, 127, 128, 1000, INT_MAX, -1, -64, INT_MIN };

        for (size_t i = 0; i < sizeof outside / sizeof *outside; i++)
                if (bit_of(outside[i]) != 0)
                        fail_msg("capability %d is bit %#llx of the mask", outside[i],
                                 (unsigned long long) bit_of(outside[i]));
}

/* What the mask cannot hold is no capability to the option parser either. */
static void test_name_out_of_range(void **state) {
        assert_int_equal(capability_from_name("CAP_CHECKPOINT_RESTORE"), 40);
        assert_int_equal(capability_from_name("cap_64"), -EINVAL);
        assert_int_equal(capability_from_name("CAP_64"), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_bit_in_range),
                cmocka_unit_test(test_bit_out_of_range),
                cmocka_unit_test(test_name_out_of_range),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
