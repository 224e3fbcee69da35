/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/cgroup-properties.h"
#include "basic/log.h"

#define WEIGHT_MIN 1
#define WEIGHT_DEFAULT 100
#define WEIGHT_MAX 10000
#define PERMYRIAD_MAX 10000
#define USEC_PER_SEC_PER_PERMYRIAD 100 /* 100% of a CPU is 1,000,000 µs per second */

const char cgroup_property_names[] =
        "MemoryMax, MemoryHigh, MemorySwapMax, CPUQuota, CPUWeight, AllowedCPUs, TasksMax and IOWeight";

struct property;
/* Each returns NULL, or what is wrong with the value (the caller adds the syntax and an example). */
typedef const char *(*property_parser)(struct cgroup_properties *p, const struct property *def, const char *value);

struct property {
        const char *name;
        property_parser parse;
        size_t offset;      /* of the field in struct cgroup_properties */
        bool zero_ok;       /* a limit of 0 makes sense (no swap at all) */
        const char *syntax; /* what a valid value looks like */
        const char *example;
};

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

/* Digits only, no sign, no spaces; -ERANGE above UINT64_MAX. Sets *end past the digits. */
static int parse_digits(const char *s, const char **end, uint64_t *ret) {
        uint64_t v = 0;

        if (!is_digit(*s))
                return -EINVAL;
        for (; is_digit(*s); s++)
                if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, (uint64_t) (*s - '0'), &v))
                        return -ERANGE;
        *end = s;
        *ret = v;
        return 0;
}

static int parse_u64(const char *s, uint64_t *ret) {
        const char *end;
        int r = parse_digits(s, &end, ret);

        if (r < 0)
                return r;
        return *end ? -EINVAL : 0;
}

/* "N", "N.F" and either with a K, M, G, T, P or E suffix, base 1024, as systemd's parse_size(). */
static int parse_size(const char *s, uint64_t *ret) {
        static const char units[] = "BKMGTPE";
        uint64_t whole, frac = 0, frac_div = 1, v;
        unsigned shift = 0;
        const char *p, *u;
        int r;

        r = parse_digits(s, &p, &whole);
        if (r < 0)
                return r;
        if (*p == '.') {
                if (!is_digit(*++p))
                        return -EINVAL;
                for (; is_digit(*p); p++)
                        if (frac_div < UINT64_C(1000000000000000000)) { /* further digits are below 1 byte */
                                frac = frac * 10 + (uint64_t) (*p - '0');
                                frac_div *= 10;
                        }
        }
        if (*p) {
                u = strchr(units, *p);
                if (!u || p[1])
                        return -EINVAL;
                shift = 10 * (unsigned) (u - units);
        }
        if (whole > (UINT64_MAX >> shift))
                return -ERANGE;
        v = whole << shift;
        if (__builtin_add_overflow(v, (uint64_t) (((unsigned __int128) frac << shift) / frac_div), &v))
                return -ERANGE;
        *ret = v;
        return 0;
}

/* "N%", "N.N%" or "N.NN%", in permyriad (1% = 100). */
static int parse_permyriad(const char *s, uint64_t *ret) {
        uint64_t whole, frac = 0;
        const char *p;
        int r, digits = 0;

        r = parse_digits(s, &p, &whole);
        if (r < 0)
                return r;
        if (*p == '.')
                for (p++; is_digit(*p) && digits < 2; p++, digits++)
                        frac = frac * 10 + (uint64_t) (*p - '0');
        if ((p[-1] == '.') || !streq(p, "%"))
                return -EINVAL;
        for (; digits < 2; digits++)
                frac *= 10;
        if (__builtin_mul_overflow(whole, 100, &whole) || __builtin_add_overflow(whole, frac, &whole))
                return -ERANGE;
        *ret = whole;
        return 0;
}

static bool ends_with_percent(const char *s) {
        size_t n = strlen(s);
        return n > 0 && s[n - 1] == '%';
}

static void *field_of(struct cgroup_properties *p, const struct property *def) {
        return (uint8_t *) p + def->offset;
}

/* Sizes (MemoryMax) and counts (TasksMax): a number, a percentage of what the host has, infinity. */
static const char *parse_limit(struct cgroup_properties *p, const struct property *def, const char *value,
                               int (*parse_number)(const char *, uint64_t *), const char *not_a_number) {
        struct cgroup_limit l = { CGROUP_LIMIT_ABSOLUTE, 0 };
        int r;

        if (streq(value, "infinity")) {
                *(struct cgroup_limit *) field_of(p, def) = (struct cgroup_limit) { CGROUP_LIMIT_INFINITY, 0 };
                return NULL;
        }
        if (ends_with_percent(value)) {
                l.kind = CGROUP_LIMIT_PERMYRIAD;
                r = parse_permyriad(value, &l.value);
                if (r >= 0 && l.value > PERMYRIAD_MAX)
                        return "a percentage of the host's total goes up to 100%";
        } else
                r = parse_number(value, &l.value);
        if (r == -ERANGE)
                return "the value is out of range";
        if (r < 0)
                return l.kind == CGROUP_LIMIT_PERMYRIAD ? "not a percentage" : not_a_number;
        if (l.value == 0 && !def->zero_ok)
                return "a limit of 0 leaves the container nothing to run with";
        *(struct cgroup_limit *) field_of(p, def) = l;
        return NULL;
}

static const char *parse_size_limit(struct cgroup_properties *p, const struct property *def, const char *value) {
        return parse_limit(p, def, value, parse_size, "not a size");
}

static const char *parse_count_limit(struct cgroup_properties *p, const struct property *def, const char *value) {
        return parse_limit(p, def, value, parse_u64, "not a number");
}

static const char *parse_cpu_quota(struct cgroup_properties *p, const struct property *def, const char *value) {
        uint64_t permyriad, usec;
        int r;

        if (!ends_with_percent(value))
                return "not a percentage";
        r = parse_permyriad(value, &permyriad);
        if (r >= 0 && __builtin_mul_overflow(permyriad, USEC_PER_SEC_PER_PERMYRIAD, &usec))
                r = -ERANGE;
        if (r == -ERANGE)
                return "the value is out of range";
        if (r < 0)
                return "not a percentage";
        if (permyriad == 0)
                return "a quota of 0% would never let the container run";
        p->cpu_quota_per_sec_usec = usec;
        return NULL;
}

static const char *parse_weight(struct cgroup_properties *p, const struct property *def, const char *value) {
        uint64_t w;

        if (parse_u64(value, &w) < 0 || w < WEIGHT_MIN || w > WEIGHT_MAX)
                return "the weight must be a whole number from 1 to 10000";
        *(uint64_t *) field_of(p, def) = w;
        return NULL;
}

static const char *parse_allowed_cpus(struct cgroup_properties *p, const struct property *def, const char *value) {
        int r = cgroup_cpus_parse(value, &p->allowed_cpus);

        if (r == -EDOM)
                return "a range must run upwards, as in 1-3";
        if (r == -ERANGE)
                return "CPU numbers go up to 1023";
        if (r < 0)
                return "not a list of CPU numbers and ranges";
        p->allowed_cpus_set = true;
        return NULL;
}

#define SIZE_SYNTAX "give bytes with an optional K, M, G or T suffix (base 1024), a percentage of " \
                          "the host's memory or \"infinity\""

static const struct property properties[] = {
        { "MemoryMax", parse_size_limit, offsetof(struct cgroup_properties, memory_max), false,
          SIZE_SYNTAX, "MemoryMax=512M" },
        { "MemoryHigh", parse_size_limit, offsetof(struct cgroup_properties, memory_high), false,
          SIZE_SYNTAX, "MemoryHigh=384M" },
        { "MemorySwapMax", parse_size_limit, offsetof(struct cgroup_properties, memory_swap_max), true,
          SIZE_SYNTAX, "MemorySwapMax=1G" },
        { "CPUQuota", parse_cpu_quota, offsetof(struct cgroup_properties, cpu_quota_per_sec_usec), false,
          "give the share of one CPU's time as a percentage above 0% (200% is two CPUs)", "CPUQuota=50%" },
        { "CPUWeight", parse_weight, offsetof(struct cgroup_properties, cpu_weight), false,
          "give 1..10000 (100 is the default)", "CPUWeight=200" },
        { "AllowedCPUs", parse_allowed_cpus, offsetof(struct cgroup_properties, allowed_cpus), false,
          "give CPU numbers and ranges separated by commas", "AllowedCPUs=0-1,3" },
        { "TasksMax", parse_count_limit, offsetof(struct cgroup_properties, tasks_max), false,
          "give a number of tasks above 0, a percentage of the host's limit or \"infinity\"", "TasksMax=200" },
        { "IOWeight", parse_weight, offsetof(struct cgroup_properties, io_weight), false,
          "give 1..10000 (100 is the default)", "IOWeight=50" },
};

int cgroup_property_parse(struct cgroup_properties *p, const char *assignment) {
        const char *eq = strchr(assignment, '='), *problem;
        size_t n = eq ? (size_t) (eq - assignment) : 0;

        if (!eq || n == 0) {
                log_error("Invalid --property= value \"%s\": give NAME=VALUE, as in --property=MemoryMax=512M.",
                          assignment);
                return -EINVAL;
        }
        for (size_t i = 0; i < ELEMENTSOF(properties); i++) {
                const struct property *def = properties + i;

                if (strlen(def->name) != n || strncmp(def->name, assignment, n) != 0)
                        continue;
                problem = def->parse(p, def, eq + 1);
                if (!problem)
                        return 0;
                log_error("Invalid --property= value \"%s\": %s; %s, as in --property=%s.",
                          assignment, problem, def->syntax, def->example);
                return -EINVAL;
        }
        log_error("Unknown property \"%.*s\" in --property=%s; syscon knows %s.",
                  (int) n, assignment, assignment, cgroup_property_names);
        return -EINVAL;
}

bool cgroup_properties_any(const struct cgroup_properties *p) {
        return p->memory_max.kind != CGROUP_LIMIT_UNSET || p->memory_high.kind != CGROUP_LIMIT_UNSET ||
               p->memory_swap_max.kind != CGROUP_LIMIT_UNSET || p->tasks_max.kind != CGROUP_LIMIT_UNSET ||
               p->cpu_quota_per_sec_usec > 0 || p->cpu_weight > 0 || p->io_weight > 0 || p->allowed_cpus_set;
}

uint64_t cgroup_limit_resolve(struct cgroup_limit l, uint64_t total) {
        switch (l.kind) {
        case CGROUP_LIMIT_ABSOLUTE:
                return l.value;
        case CGROUP_LIMIT_PERMYRIAD:
                return (uint64_t) ((unsigned __int128) total * l.value / PERMYRIAD_MAX);
        default:
                return CGROUP_LIMIT_MAX;
        }
}

const char *cgroup_limit_format(struct cgroup_limit l, char buf[static 32]) {
        static const char units[] = "KMGTPE";

        switch (l.kind) {
        case CGROUP_LIMIT_UNSET:
                return "";
        case CGROUP_LIMIT_INFINITY:
                return "infinity";
        case CGROUP_LIMIT_PERMYRIAD:
                if (l.value % 100 == 0)
                        snprintf(buf, 32, "%" PRIu64 "%%", l.value / 100);
                else
                        snprintf(buf, 32, "%" PRIu64 ".%02" PRIu64 "%%", l.value / 100, l.value % 100);
                return buf;
        case CGROUP_LIMIT_ABSOLUTE:
                break;
        }
        for (int i = (int) sizeof units - 2; i >= 0; i--) {
                uint64_t unit = UINT64_C(1) << (10 * (i + 1));

                if (l.value >= unit && l.value % unit == 0) {
                        snprintf(buf, 32, "%" PRIu64 "%c", l.value / unit, units[i]);
                        return buf;
                }
        }
        snprintf(buf, 32, "%" PRIu64, l.value);
        return buf;
}

int cgroup_cpus_format(const cpu_set_t *cpus, char *buf, size_t size) {
        size_t used = 0;

        if (size == 0)
                return -ENOBUFS;
        buf[0] = 0;
        for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
                int last = cpu;
                int n;

                if (!CPU_ISSET(cpu, cpus))
                        continue;
                while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, cpus))
                        last++;
                if (last == cpu)
                        n = snprintf(buf + used, size - used, "%s%d", used ? "," : "", cpu);
                else
                        n = snprintf(buf + used, size - used, "%s%d-%d", used ? "," : "", cpu, last);
                if (n < 0 || (size_t) n >= size - used)
                        return -ENOBUFS;
                used += (size_t) n;
                cpu = last;
        }
        return 0;
}

static int parse_cpu_number(const char **p, uint64_t *ret) {
        int r = parse_digits(*p, p, ret);

        if (r >= 0 && *ret >= CPU_SETSIZE)
                return -ERANGE;
        return r;
}

int cgroup_cpus_parse(const char *s, cpu_set_t *ret) {
        cpu_set_t set;
        bool any = false;

        CPU_ZERO(&set);
        for (;;) {
                uint64_t first, last;
                int r;

                s += strspn(s, ", \t\n");
                if (!*s)
                        break;
                r = parse_cpu_number(&s, &first);
                last = first;
                if (r >= 0 && *s == '-') {
                        s++;
                        r = parse_cpu_number(&s, &last);
                }
                if (r < 0)
                        return r;
                if (*s && !strchr(", \t\n", *s))
                        return -EINVAL;
                if (last < first)
                        return -EDOM;
                for (uint64_t cpu = first; cpu <= last; cpu++)
                        CPU_SET((int) cpu, &set);
                any = true;
        }
        if (!any)
                return -EINVAL;
        *ret = set;
        return 0;
}

static uint64_t clamp_u64(uint64_t v, uint64_t min, uint64_t max) {
        return v < min ? min : v > max ? max : v;
}

/* cpu.shares: 1024 is the default, 2..262144 the range. */
uint64_t cgroup_weight_to_cpu_shares(uint64_t weight) {
        return clamp_u64(weight * 1024 / WEIGHT_DEFAULT, 2, 262144);
}

/* io.bfq.weight and blkio.bfq.weight: 1..1000, 100 the default; linear on either side of it. */
uint64_t cgroup_weight_to_bfq_weight(uint64_t weight) {
        if (weight <= WEIGHT_DEFAULT)
                return weight;
        return WEIGHT_DEFAULT + (weight - WEIGHT_DEFAULT) * (1000 - WEIGHT_DEFAULT) / (WEIGHT_MAX - WEIGHT_DEFAULT);
}

/* blkio.weight (CFQ): 10..1000, 500 the default. */
uint64_t cgroup_weight_to_blkio_weight(uint64_t weight) {
        return clamp_u64(weight * 500 / WEIGHT_DEFAULT, 10, 1000);
}
