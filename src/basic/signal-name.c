/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/signal-name.h"

/* Indexed by number, since the numbers differ between architectures. */
#define NAME(sig) [sig] = #sig
static const char *const names[] = {
        NAME(SIGHUP), NAME(SIGINT), NAME(SIGQUIT), NAME(SIGILL), NAME(SIGTRAP), NAME(SIGABRT),
        NAME(SIGBUS), NAME(SIGFPE), NAME(SIGKILL), NAME(SIGUSR1), NAME(SIGSEGV), NAME(SIGUSR2),
        NAME(SIGPIPE), NAME(SIGALRM), NAME(SIGTERM), NAME(SIGCHLD), NAME(SIGCONT), NAME(SIGSTOP),
        NAME(SIGTSTP), NAME(SIGTTIN), NAME(SIGTTOU), NAME(SIGURG), NAME(SIGXCPU), NAME(SIGXFSZ),
        NAME(SIGVTALRM), NAME(SIGPROF), NAME(SIGWINCH), NAME(SIGIO), NAME(SIGPWR), NAME(SIGSYS),
#ifdef SIGSTKFLT
        NAME(SIGSTKFLT),
#endif
};

/* Realtime signals are named relative to SIGRTMIN, whose number the libc picks at run time.
 * Literals keep the returned strings static, so the function is reentrant without a buffer. The
 * kernel's realtime range is 32..64 on all but MIPS, so 33 names cover any libc's SIGRTMIN; for
 * the rest of MIPS's longer range we return NULL. */
#define RT(n) "SIGRTMIN+" #n
static const char *const rt_names[] = {
        "SIGRTMIN", RT(1), RT(2), RT(3), RT(4), RT(5), RT(6), RT(7), RT(8), RT(9), RT(10), RT(11),
        RT(12), RT(13), RT(14), RT(15), RT(16), RT(17), RT(18), RT(19), RT(20), RT(21), RT(22),
        RT(23), RT(24), RT(25), RT(26), RT(27), RT(28), RT(29), RT(30), RT(31), RT(32),
};

/* Digits only: strtol() would also take white space, a sign and trailing junk. */
static int parse_decimal(const char *s) {
        int v = 0;

        if (!*s)
                return -EINVAL;
        for (; *s; s++) {
                if (*s < '0' || *s > '9' || v > 9999)
                        return -EINVAL;
                v = v * 10 + (*s - '0');
        }
        return v;
}

/* "RTMIN", "RTMIN+N", "RTMAX", "RTMAX-N", within SIGRTMIN..SIGRTMAX. */
static int realtime_from_string(const char *s) {
        int base, direction, offset, sig;

        if (strncmp(s, "RTMIN", 5) == 0) {
                base = SIGRTMIN;
                direction = 1;
        } else if (strncmp(s, "RTMAX", 5) == 0) {
                base = SIGRTMAX;
                direction = -1;
        } else
                return -EINVAL;

        s += 5;
        if (!*s)
                return base;
        if (*s != (direction > 0 ? '+' : '-'))
                return -EINVAL;
        offset = parse_decimal(s + 1);
        if (offset < 0)
                return offset;
        sig = base + direction * offset;
        return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : -EINVAL;
}

int signal_from_string(const char *s) {
        const char *name = strncmp(s, "SIG", 3) == 0 ? s + 3 : s;
        int sig;

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (names[i] && streq(names[i] + 3, name))
                        return (int) i;

        sig = realtime_from_string(name);
        if (sig >= 0 || name != s)
                return sig;

        sig = parse_decimal(s);
        return sig >= 1 && sig <= SIGRTMAX ? sig : -EINVAL;
}

const char *signal_to_string(int sig) {
        if (sig > 0 && (size_t) sig < ELEMENTSOF(names) && names[sig])
                return names[sig];
        if (sig >= SIGRTMIN && sig <= SIGRTMAX && (size_t) (sig - SIGRTMIN) < ELEMENTSOF(rt_names))
                return rt_names[sig - SIGRTMIN];
        return NULL;
}
