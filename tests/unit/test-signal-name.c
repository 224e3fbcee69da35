/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <cmocka.h>

#include "basic/macro.h"
#include "basic/signal-name.h"

static void test_from_string_classic(void **state) {
        assert_int_equal(signal_from_string("SIGTERM"), SIGTERM);
        assert_int_equal(signal_from_string("TERM"), SIGTERM);
        assert_int_equal(signal_from_string("SIGHUP"), SIGHUP);
        assert_int_equal(signal_from_string("KILL"), SIGKILL);
        assert_int_equal(signal_from_string("SIGINT"), SIGINT);
        assert_int_equal(signal_from_string("SIGUSR1"), SIGUSR1);
        assert_int_equal(signal_from_string("SIGWINCH"), SIGWINCH);
        assert_int_equal(signal_from_string("SIGSYS"), SIGSYS);
        assert_int_equal(signal_from_string("PWR"), SIGPWR);
}

static void test_from_string_realtime(void **state) {
        int span = SIGRTMAX - SIGRTMIN;
        char buf[32];

        assert_int_equal(signal_from_string("SIGRTMIN"), SIGRTMIN);
        assert_int_equal(signal_from_string("RTMIN"), SIGRTMIN);
        assert_int_equal(signal_from_string("SIGRTMAX"), SIGRTMAX);
        assert_int_equal(signal_from_string("RTMAX"), SIGRTMAX);
        assert_int_equal(signal_from_string("SIGRTMIN+3"), SIGRTMIN + 3);
        assert_int_equal(signal_from_string("RTMIN+3"), SIGRTMIN + 3);
        assert_int_equal(signal_from_string("RTMIN+0"), SIGRTMIN);
        assert_int_equal(signal_from_string("RTMAX-1"), SIGRTMAX - 1);
        assert_int_equal(signal_from_string("SIGRTMAX-1"), SIGRTMAX - 1);

        snprintf(buf, sizeof buf, "RTMIN+%d", span);
        assert_int_equal(signal_from_string(buf), SIGRTMAX);
        snprintf(buf, sizeof buf, "RTMIN+%d", span + 1);
        assert_int_equal(signal_from_string(buf), -EINVAL);
        snprintf(buf, sizeof buf, "RTMAX-%d", span);
        assert_int_equal(signal_from_string(buf), SIGRTMIN);
        snprintf(buf, sizeof buf, "RTMAX-%d", span + 1);
        assert_int_equal(signal_from_string(buf), -EINVAL);

        assert_int_equal(signal_from_string("RTMIN-1"), -EINVAL);
        assert_int_equal(signal_from_string("RTMAX+1"), -EINVAL);
        assert_int_equal(signal_from_string("RTMIN+"), -EINVAL);
        assert_int_equal(signal_from_string("RTMIN+x"), -EINVAL);
        assert_int_equal(signal_from_string("RTMIN+3x"), -EINVAL);
        assert_int_equal(signal_from_string("RTMIN++3"), -EINVAL);
        assert_int_equal(signal_from_string("RTMIN+99999999999"), -EINVAL);
}

static void test_from_string_number(void **state) {
        char buf[16];

        assert_int_equal(signal_from_string("1"), 1);
        assert_int_equal(signal_from_string("15"), SIGTERM);
        assert_int_equal(signal_from_string("9"), SIGKILL);
        snprintf(buf, sizeof buf, "%d", SIGRTMAX);
        assert_int_equal(signal_from_string(buf), SIGRTMAX);
        snprintf(buf, sizeof buf, "%d", SIGRTMAX + 1);
        assert_int_equal(signal_from_string(buf), -EINVAL);

        assert_int_equal(signal_from_string("0"), -EINVAL);
        assert_int_equal(signal_from_string("-15"), -EINVAL);
        assert_int_equal(signal_from_string("+15"), -EINVAL);
        assert_int_equal(signal_from_string(" 15"), -EINVAL);
        assert_int_equal(signal_from_string("15 "), -EINVAL);
        assert_int_equal(signal_from_string("15x"), -EINVAL);
        assert_int_equal(signal_from_string("0x0f"), -EINVAL);
        assert_int_equal(signal_from_string("99999999999999999999"), -EINVAL);
        assert_int_equal(signal_from_string("SIG15"), -EINVAL);
}

static void test_from_string_invalid(void **state) {
        assert_int_equal(signal_from_string(""), -EINVAL);
        assert_int_equal(signal_from_string("SIG"), -EINVAL);
        assert_int_equal(signal_from_string("sigterm"), -EINVAL);
        assert_int_equal(signal_from_string("term"), -EINVAL);
        assert_int_equal(signal_from_string("SIGTERMX"), -EINVAL);
        assert_int_equal(signal_from_string("SIGSIGTERM"), -EINVAL);
        assert_int_equal(signal_from_string("SIGFOO"), -EINVAL);
        assert_int_equal(signal_from_string(" SIGTERM"), -EINVAL);
}

static void test_to_string(void **state) {
        assert_string_equal(signal_to_string(SIGTERM), "SIGTERM");
        assert_string_equal(signal_to_string(SIGHUP), "SIGHUP");
        assert_string_equal(signal_to_string(SIGKILL), "SIGKILL");
        assert_string_equal(signal_to_string(SIGCHLD), "SIGCHLD");
        assert_string_equal(signal_to_string(SIGSYS), "SIGSYS");
        assert_string_equal(signal_to_string(SIGRTMIN), "SIGRTMIN");
        assert_string_equal(signal_to_string(SIGRTMIN + 1), "SIGRTMIN+1");
        assert_string_equal(signal_to_string(SIGRTMIN + 3), "SIGRTMIN+3");

        assert_null(signal_to_string(0));
        assert_null(signal_to_string(-1));
        assert_null(signal_to_string(SIGRTMAX + 1));
        assert_null(signal_to_string(1000));
        /* glibc keeps the kernel's first realtime signals for itself */
        for (int sig = 32; sig < SIGRTMIN; sig++)
                assert_null(signal_to_string(sig));
}

/* Every name we hand out parses back to its number, and is the same pointer each time. */
static void test_round_trip(void **state) {
        for (int sig = 1; sig <= SIGRTMAX; sig++) {
                const char *name = signal_to_string(sig);

                if (sig < 32 || sig >= SIGRTMIN)
                        assert_non_null(name);
                if (!name)
                        continue;
                assert_int_equal(signal_from_string(name), sig);
                assert_int_equal(signal_from_string(name + 3), sig);
                assert_ptr_equal(signal_to_string(sig), name);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_from_string_classic),
                cmocka_unit_test(test_from_string_realtime),
                cmocka_unit_test(test_from_string_number),
                cmocka_unit_test(test_from_string_invalid),
                cmocka_unit_test(test_to_string),
                cmocka_unit_test(test_round_trip),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
