/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/cgroup-properties.h"

#define KIB UINT64_C(1024)
#define MIB (KIB * 1024)
#define GIB (MIB * 1024)
#define TIB (GIB * 1024)

static struct cgroup_properties parse_ok(const char *assignment) {
        struct cgroup_properties p = {};

        assert_int_equal(cgroup_property_parse(&p, assignment), 0);
        return p;
}

static void check_limit(struct cgroup_limit l, enum cgroup_limit_kind kind, uint64_t value) {
        assert_int_equal(l.kind, kind);
        assert_true(l.value == value);
}

/* What the user reads: exactly one line, naming the assignment. */
static char *parse_error(const char *assignment) {
        struct cgroup_properties p = {};
        FILE *f = tmpfile();
        int saved = dup(STDERR_FILENO);
        char *text = calloc(4096, 1);

        assert_non_null(f);
        assert_non_null(text);
        fflush(stderr);
        assert_int_equal(dup2(fileno(f), STDERR_FILENO), STDERR_FILENO);
        assert_int_equal(cgroup_property_parse(&p, assignment), -EINVAL);
        fflush(stderr);
        assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
        close(saved);
        rewind(f);
        assert_true(fread(text, 1, 4095, f) > 0);
        fclose(f);
        assert_non_null(strstr(text, assignment));
        assert_non_null(strchr(text, '\n'));
        assert_null(strchr(strchr(text, '\n') + 1, '\n'));
        return text;
}

static void fails(const char *assignment) {
        free(parse_error(assignment));
}

static void test_memory_sizes(void **state) {
        check_limit(parse_ok("MemoryMax=512M").memory_max, CGROUP_LIMIT_ABSOLUTE, 512 * MIB);
        check_limit(parse_ok("MemoryMax=4096").memory_max, CGROUP_LIMIT_ABSOLUTE, 4096);
        check_limit(parse_ok("MemoryMax=4096B").memory_max, CGROUP_LIMIT_ABSOLUTE, 4096);
        check_limit(parse_ok("MemoryMax=64K").memory_max, CGROUP_LIMIT_ABSOLUTE, 64 * KIB);
        check_limit(parse_ok("MemoryMax=2G").memory_max, CGROUP_LIMIT_ABSOLUTE, 2 * GIB);
        check_limit(parse_ok("MemoryMax=3T").memory_max, CGROUP_LIMIT_ABSOLUTE, 3 * TIB);
        check_limit(parse_ok("MemoryMax=1.5G").memory_max, CGROUP_LIMIT_ABSOLUTE, GIB + GIB / 2);
        check_limit(parse_ok("MemoryMax=0.25K").memory_max, CGROUP_LIMIT_ABSOLUTE, 256);
        check_limit(parse_ok("MemoryMax=15E").memory_max, CGROUP_LIMIT_ABSOLUTE, 15 * (TIB * KIB * KIB));
        check_limit(parse_ok("MemoryMax=18446744073709551615").memory_max, CGROUP_LIMIT_ABSOLUTE, UINT64_MAX);
        check_limit(parse_ok("MemoryMax=infinity").memory_max, CGROUP_LIMIT_INFINITY, 0);
        check_limit(parse_ok("MemoryHigh=1G").memory_high, CGROUP_LIMIT_ABSOLUTE, GIB);
        check_limit(parse_ok("MemorySwapMax=0").memory_swap_max, CGROUP_LIMIT_ABSOLUTE, 0);
        check_limit(parse_ok("MemorySwapMax=infinity").memory_swap_max, CGROUP_LIMIT_INFINITY, 0);
}

static void test_memory_percentages(void **state) {
        check_limit(parse_ok("MemoryMax=50%").memory_max, CGROUP_LIMIT_PERMYRIAD, 5000);
        check_limit(parse_ok("MemoryMax=100%").memory_max, CGROUP_LIMIT_PERMYRIAD, 10000);
        check_limit(parse_ok("MemoryMax=12.5%").memory_max, CGROUP_LIMIT_PERMYRIAD, 1250);
        check_limit(parse_ok("MemoryMax=0.01%").memory_max, CGROUP_LIMIT_PERMYRIAD, 1);
        check_limit(parse_ok("MemorySwapMax=0%").memory_swap_max, CGROUP_LIMIT_PERMYRIAD, 0);
        assert_true(cgroup_limit_resolve(parse_ok("MemoryMax=25%").memory_max, 8 * GIB) == 2 * GIB);
        assert_true(cgroup_limit_resolve(parse_ok("MemoryMax=1G").memory_max, 8 * GIB) == GIB);
        assert_true(cgroup_limit_resolve(parse_ok("MemoryMax=infinity").memory_max, 8 * GIB) == CGROUP_LIMIT_MAX);
}

static void test_memory_invalid(void **state) {
        fails("MemoryMax=banana");
        fails("MemoryMax=-1");
        fails("MemoryMax=0");
        fails("MemoryMax=0K");
        fails("MemoryMax=0%");
        fails("MemoryMax=18446744073709551616");
        fails("MemoryMax=16E");
        fails("MemoryMax=17179869184G");
        fails("MemoryMax=");
        fails("MemoryMax=1GB");
        fails("MemoryMax=1g");
        fails("MemoryMax= 1G");
        fails("MemoryMax=1G ");
        fails("MemoryMax=1.G");
        fails("MemoryMax=.5G");
        fails("MemoryMax=101%");
        fails("MemoryMax=5.123%");
        fails("MemoryMax=%");
        fails("MemoryMax=Infinity");
        fails("MemoryHigh=0");
        fails("MemorySwapMax=-5");
}

static void test_cpu_quota(void **state) {
        assert_true(parse_ok("CPUQuota=20%").cpu_quota_per_sec_usec == 200000);
        assert_true(parse_ok("CPUQuota=100%").cpu_quota_per_sec_usec == 1000000);
        assert_true(parse_ok("CPUQuota=250%").cpu_quota_per_sec_usec == 2500000);
        assert_true(parse_ok("CPUQuota=0.5%").cpu_quota_per_sec_usec == 5000);
        fails("CPUQuota=0%");
        fails("CPUQuota=0.00%");
        fails("CPUQuota=20");
        fails("CPUQuota=-20%");
        fails("CPUQuota=infinity");
        fails("CPUQuota=99999999999999999999%");
        fails("CPUQuota=");
}

static void test_weights(void **state) {
        assert_true(parse_ok("CPUWeight=1").cpu_weight == 1);
        assert_true(parse_ok("CPUWeight=10000").cpu_weight == 10000);
        assert_true(parse_ok("IOWeight=500").io_weight == 500);
        fails("CPUWeight=0");
        fails("CPUWeight=10001");
        fails("CPUWeight=idle");
        fails("IOWeight=0");
        fails("IOWeight=1k");
        fails("IOWeight=-1");

        assert_true(cgroup_weight_to_cpu_shares(100) == 1024);
        assert_true(cgroup_weight_to_cpu_shares(1) == 10);
        assert_true(cgroup_weight_to_cpu_shares(10000) == 102400);
        assert_true(cgroup_weight_to_bfq_weight(1) == 1);
        assert_true(cgroup_weight_to_bfq_weight(100) == 100);
        assert_true(cgroup_weight_to_bfq_weight(10000) == 1000);
        assert_true(cgroup_weight_to_blkio_weight(1) == 10);
        assert_true(cgroup_weight_to_blkio_weight(100) == 500);
        assert_true(cgroup_weight_to_blkio_weight(10000) == 1000);
}

static void check_cpus(const char *assignment, const char *expected) {
        struct cgroup_properties p = parse_ok(assignment);
        char list[256];

        assert_true(p.allowed_cpus_set);
        assert_int_equal(cgroup_cpus_format(&p.allowed_cpus, list, sizeof list), 0);
        assert_string_equal(list, expected);
}

static void test_allowed_cpus(void **state) {
        char small[4];
        cpu_set_t set;

        check_cpus("AllowedCPUs=1", "1");
        check_cpus("AllowedCPUs=0-3", "0-3");
        check_cpus("AllowedCPUs=0,2,3,5", "0,2-3,5");
        check_cpus("AllowedCPUs=0-1 4 6-7", "0-1,4,6-7");
        check_cpus("AllowedCPUs=3,1-2", "1-3");
        check_cpus("AllowedCPUs=1023", "1023");
        fails("AllowedCPUs=3-1");
        fails("AllowedCPUs=");
        fails("AllowedCPUs=,");
        fails("AllowedCPUs=1024");
        fails("AllowedCPUs=a");
        fails("AllowedCPUs=1-");
        fails("AllowedCPUs=-1");
        fails("AllowedCPUs=1--2");
        fails("AllowedCPUs=1;2");

        assert_int_equal(cgroup_cpus_parse("0-10", &set), 0);
        assert_int_equal(cgroup_cpus_format(&set, small, sizeof small), -ENOBUFS);
        assert_int_equal(cgroup_cpus_parse("0-1\n", &set), 0);
}

static void test_tasks_max(void **state) {
        check_limit(parse_ok("TasksMax=200").tasks_max, CGROUP_LIMIT_ABSOLUTE, 200);
        check_limit(parse_ok("TasksMax=infinity").tasks_max, CGROUP_LIMIT_INFINITY, 0);
        check_limit(parse_ok("TasksMax=10%").tasks_max, CGROUP_LIMIT_PERMYRIAD, 1000);
        assert_true(cgroup_limit_resolve(parse_ok("TasksMax=10%").tasks_max, 32768) == 3276);
        fails("TasksMax=0");
        fails("TasksMax=0%");
        fails("TasksMax=-1");
        fails("TasksMax=1K");
        fails("TasksMax=many");
}

static void test_names(void **state) {
        char *text;

        fails("Foo=1");
        fails("memorymax=1G");
        fails("MemoryMax");
        fails("=1G");
        fails("MemoryLimit=1G");
        text = parse_error("Foo=1");
        assert_non_null(strstr(text, "MemoryMax, MemoryHigh, MemorySwapMax, CPUQuota, CPUWeight, AllowedCPUs, "
                                     "TasksMax and IOWeight"));
        free(text);
        text = parse_error("MemoryMax=banana");
        assert_string_equal(text, "syscon: Invalid --property= value \"MemoryMax=banana\": not a size; give bytes "
                                  "with an optional K, M, G or T suffix (base 1024), a percentage of the host's "
                                  "memory or \"infinity\", as in --property=MemoryMax=512M.\n");
        free(text);
}

static void test_later_wins_and_any(void **state) {
        struct cgroup_properties p = {};

        assert_false(cgroup_properties_any(&p));
        assert_int_equal(cgroup_property_parse(&p, "MemoryMax=1G"), 0);
        assert_int_equal(cgroup_property_parse(&p, "MemoryMax=2G"), 0);
        check_limit(p.memory_max, CGROUP_LIMIT_ABSOLUTE, 2 * GIB);
        assert_true(cgroup_properties_any(&p));
        /* a bad value leaves the earlier one alone */
        assert_int_equal(cgroup_property_parse(&p, "MemoryMax=x"), -EINVAL);
        check_limit(p.memory_max, CGROUP_LIMIT_ABSOLUTE, 2 * GIB);
}

static void check_format(struct cgroup_limit l, const char *expected) {
        char buf[32];

        assert_string_equal(cgroup_limit_format(l, buf), expected);
}

static void test_format(void **state) {
        check_format((struct cgroup_limit) { CGROUP_LIMIT_ABSOLUTE, 32 * MIB }, "32M");
        check_format((struct cgroup_limit) { CGROUP_LIMIT_ABSOLUTE, 1536 * KIB }, "1536K");
        check_format((struct cgroup_limit) { CGROUP_LIMIT_ABSOLUTE, 4 * GIB }, "4G");
        check_format((struct cgroup_limit) { CGROUP_LIMIT_ABSOLUTE, 1000 }, "1000");
        check_format((struct cgroup_limit) { CGROUP_LIMIT_PERMYRIAD, 5000 }, "50%");
        check_format((struct cgroup_limit) { CGROUP_LIMIT_PERMYRIAD, 1250 }, "12.50%");
        check_format((struct cgroup_limit) { CGROUP_LIMIT_INFINITY, 0 }, "infinity");
        check_format((struct cgroup_limit) { CGROUP_LIMIT_UNSET, 0 }, "");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_memory_sizes),
                cmocka_unit_test(test_memory_percentages),
                cmocka_unit_test(test_memory_invalid),
                cmocka_unit_test(test_cpu_quota),
                cmocka_unit_test(test_weights),
                cmocka_unit_test(test_allowed_cpus),
                cmocka_unit_test(test_tasks_max),
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_later_wins_and_any),
                cmocka_unit_test(test_format),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
