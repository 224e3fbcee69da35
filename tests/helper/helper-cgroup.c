/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syscon-test-helper's cgroup subcommands: each drives the container into one of its limits and
 * reports, as key=value, how far it got, so that the tests see the kernel enforce the limit from
 * inside. Output goes straight to fd 1 after every step, so that what was printed before the kernel
 * killed the helper is not lost.
 *
 *   memhog STEP_MB MAX_MB   maps and touches STEP_MB at a time; allocated_mb=N after each step
 *   forks HOLD_MS           forks sleeping children until fork() fails: forks=N errno=NAME, then
 *                           holds them HOLD_MS before killing them
 *   busy SECONDS            spins; wall_ms= cpu_ms= (its own CPU time) cgroup_cpu_ms= (its cgroup's,
 *                           from /sys/fs/cgroup/cpu.stat, or -1)
 *   affinity                cpus=LIST, the CPUs sched_getaffinity() allows
 *   cgroup                  cgroup=ID:CONTROLLERS:PATH for each line of /proc/self/cgroup
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helper-cgroup.h"

#define MAX_FORKS 8192
#define MIB (1024L * 1024L)

static bool parse_long(const char *s, long min, long max, long *ret) {
        char *end;

        if (!s)
                return false;
        errno = 0;
        *ret = strtol(s, &end, 10);
        return errno == 0 && end != s && !*end && *ret >= min && *ret <= max;
}

static long ms_of(clockid_t clock) {
        struct timespec ts;

        clock_gettime(clock, &ts);
        return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int cmd_memhog(long step_mb, long max_mb) {
        long total = 0;

        while (total < max_mb) {
                size_t size = (size_t) (step_mb * MIB);
                char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

                if (p == MAP_FAILED) {
                        dprintf(1, "mmap_failed=%s\n", strerrorname_np(errno));
                        return 0;
                }
                for (size_t i = 0; i < size; i += 4096)
                        p[i] = 1;
                total += step_mb;
                dprintf(1, "allocated_mb=%ld\n", total);
        }
        dprintf(1, "done=1\n");
        return 0;
}

static int cmd_forks(long hold_ms) {
        static pid_t children[MAX_FORKS];
        struct timespec hold = { hold_ms / 1000, (hold_ms % 1000) * 1000000L };
        int n = 0, error = 0;

        for (; n < MAX_FORKS; n++) {
                pid_t pid = fork();

                if (pid < 0) {
                        error = errno;
                        break;
                }
                if (pid == 0) {
                        pause();
                        _exit(0);
                }
                children[n] = pid;
        }
        dprintf(1, "forks=%d errno=%s\n", n, error ? strerrorname_np(error) : "none");
        nanosleep(&hold, NULL);
        for (int i = 0; i < n; i++)
                kill(children[i], SIGKILL);
        for (int i = 0; i < n; i++)
                waitpid(children[i], NULL, 0);
        return 0;
}

/* usage_usec from the container's own cgroup, as its cgroup namespace shows it; -1 if unreadable. */
static long cgroup_cpu_ms(void) {
        char buf[1024];
        int fd = open("/sys/fs/cgroup/cpu.stat", O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
        const char *p;

        if (fd >= 0)
                close(fd);
        if (n <= 0)
                return -1;
        buf[n] = 0;
        p = strstr(buf, "usage_usec ");
        return p ? strtol(p + strlen("usage_usec "), NULL, 10) / 1000 : -1;
}

static int cmd_busy(long seconds) {
        long start = ms_of(CLOCK_MONOTONIC), cpu_start = ms_of(CLOCK_PROCESS_CPUTIME_ID);
        long cgroup_start = cgroup_cpu_ms(), cgroup_end;
        volatile unsigned long spins = 0;

        while (ms_of(CLOCK_MONOTONIC) - start < seconds * 1000)
                for (int i = 0; i < 100000; i++)
                        spins++;
        cgroup_end = cgroup_cpu_ms();
        dprintf(1, "wall_ms=%ld cpu_ms=%ld cgroup_cpu_ms=%ld\n", ms_of(CLOCK_MONOTONIC) - start,
                ms_of(CLOCK_PROCESS_CPUTIME_ID) - cpu_start,
                cgroup_start < 0 || cgroup_end < 0 ? -1 : cgroup_end - cgroup_start);
        return 0;
}

static int cmd_affinity(void) {
        cpu_set_t set;
        bool first = true;

        if (sched_getaffinity(0, sizeof set, &set) < 0) {
                dprintf(2, "sched_getaffinity: %s\n", strerror(errno));
                return 3;
        }
        dprintf(1, "cpus=");
        for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
                int last = cpu;

                if (!CPU_ISSET(cpu, &set))
                        continue;
                while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, &set))
                        last++;
                dprintf(1, last == cpu ? "%s%d" : "%s%d-%d", first ? "" : ",", cpu, last);
                first = false;
                cpu = last;
        }
        dprintf(1, "\n");
        return 0;
}

static int cmd_cgroup(void) {
        char buf[4096];
        int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);

        if (fd >= 0)
                close(fd);
        if (n <= 0) {
                dprintf(2, "/proc/self/cgroup: %s\n", strerror(errno));
                return 3;
        }
        buf[n] = 0;
        for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
                dprintf(1, "cgroup=%s\n", line);
        return 0;
}

int helper_cgroup_main(const char *cmd, int argc, char **argv) {
        const char *a1 = argc > 0 ? argv[0] : NULL, *a2 = argc > 1 ? argv[1] : NULL;
        long v, w;

        if (strcmp(cmd, "memhog") == 0 && parse_long(a1, 1, 1024, &v) && parse_long(a2, 1, 65536, &w))
                return cmd_memhog(v, w);
        if (strcmp(cmd, "forks") == 0 && parse_long(a1, 0, 60000, &v))
                return cmd_forks(v);
        if (strcmp(cmd, "busy") == 0 && parse_long(a1, 1, 60, &v))
                return cmd_busy(v);
        if (strcmp(cmd, "affinity") == 0)
                return cmd_affinity();
        if (strcmp(cmd, "cgroup") == 0)
                return cmd_cgroup();
        return -1;
}
