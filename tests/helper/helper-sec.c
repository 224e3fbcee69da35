/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The helper's security subcommands:
 *   caps [PID]                  the capability sets, no_new_privs and seccomp mode of PID (default:
 *                               the helper itself), from /proc/PID/status: bnd= eff= prm= inh= amb=
 *                               as comma lists of capability names ("-" for none), nnp=, seccomp=
 *   try-syscall [--abi=ABI] PROBE...
 *                               makes each probe's system call with harmless arguments and prints
 *                               PROBE=ok or PROBE=ERRNONAME; ABI is native (default), i386 (int
 *                               $0x80 from this 64-bit process) or x32
 * A system call the filter kills (SIGSYS) ends the helper with that signal.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <linux/reboot.h>
#include <linux/keyctl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "helper-sec.h"

#define EXIT_USAGE 2
#define EXIT_OBSERVATION_FAILED 3

/* --- caps ----------------------------------------------------------------------------------------- */

#define CAP_NAME(cap) [cap] = #cap,
static const char *const cap_names[64] = {
        CAP_NAME(CAP_CHOWN) CAP_NAME(CAP_DAC_OVERRIDE) CAP_NAME(CAP_DAC_READ_SEARCH) CAP_NAME(CAP_FOWNER)
        CAP_NAME(CAP_FSETID) CAP_NAME(CAP_KILL) CAP_NAME(CAP_SETGID) CAP_NAME(CAP_SETUID)
        CAP_NAME(CAP_SETPCAP) CAP_NAME(CAP_LINUX_IMMUTABLE) CAP_NAME(CAP_NET_BIND_SERVICE)
        CAP_NAME(CAP_NET_BROADCAST) CAP_NAME(CAP_NET_ADMIN) CAP_NAME(CAP_NET_RAW) CAP_NAME(CAP_IPC_LOCK)
        CAP_NAME(CAP_IPC_OWNER) CAP_NAME(CAP_SYS_MODULE) CAP_NAME(CAP_SYS_RAWIO) CAP_NAME(CAP_SYS_CHROOT)
        CAP_NAME(CAP_SYS_PTRACE) CAP_NAME(CAP_SYS_PACCT) CAP_NAME(CAP_SYS_ADMIN) CAP_NAME(CAP_SYS_BOOT)
        CAP_NAME(CAP_SYS_NICE) CAP_NAME(CAP_SYS_RESOURCE) CAP_NAME(CAP_SYS_TIME)
        CAP_NAME(CAP_SYS_TTY_CONFIG) CAP_NAME(CAP_MKNOD) CAP_NAME(CAP_LEASE) CAP_NAME(CAP_AUDIT_WRITE)
        CAP_NAME(CAP_AUDIT_CONTROL) CAP_NAME(CAP_SETFCAP) CAP_NAME(CAP_MAC_OVERRIDE)
        CAP_NAME(CAP_MAC_ADMIN) CAP_NAME(CAP_SYSLOG) CAP_NAME(CAP_WAKE_ALARM) CAP_NAME(CAP_BLOCK_SUSPEND)
        CAP_NAME(CAP_AUDIT_READ) CAP_NAME(CAP_PERFMON) CAP_NAME(CAP_BPF) CAP_NAME(CAP_CHECKPOINT_RESTORE)
};

static void print_cap_set(const char *key, uint64_t mask) {
        bool first = true;

        dprintf(1, "%s=", key);
        for (unsigned cap = 0; cap < 64; cap++) {
                if (!(mask & (UINT64_C(1) << cap)))
                        continue;
                if (cap_names[cap])
                        dprintf(1, "%s%s", first ? "" : ",", cap_names[cap]);
                else
                        dprintf(1, "%sCAP_%u", first ? "" : ",", cap);
                first = false;
        }
        dprintf(1, "%s ", first ? "-" : "");
}

static int cmd_caps(const char *pid) {
        static const struct {
                const char *field; /* in /proc/PID/status */
                const char *key;
                bool is_set;
        } fields[] = {
                { "CapBnd:", "bnd", true }, { "CapEff:", "eff", true }, { "CapPrm:", "prm", true },
                { "CapInh:", "inh", true }, { "CapAmb:", "amb", true }, { "NoNewPrivs:", "nnp", false },
                { "Seccomp:", "seccomp", false },
        };
        char path[64], line[256];
        FILE *f;
        size_t found = 0;

        snprintf(path, sizeof path, "/proc/%s/status", pid ? pid : "self");
        f = fopen(path, "re");
        if (!f) {
                dprintf(2, "%s: %s\n", path, strerror(errno));
                return EXIT_OBSERVATION_FAILED;
        }
        /* In the order of the table, whatever the kernel's order. */
        for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
                size_t n = strlen(fields[i].field);

                rewind(f);
                while (fgets(line, sizeof line, f))
                        if (strncmp(line, fields[i].field, n) == 0) {
                                if (fields[i].is_set)
                                        print_cap_set(fields[i].key, strtoull(line + n, NULL, 16));
                                else
                                        dprintf(1, "%s=%ld ", fields[i].key, strtol(line + n, NULL, 10));
                                found++;
                                break;
                        }
        }
        fclose(f);
        dprintf(1, "\n");
        return found == sizeof fields / sizeof *fields ? 0 : EXIT_OBSERVATION_FAILED;
}

/* --- try-syscall ---------------------------------------------------------------------------------- */

/* Argument placeholders, resolved when the call is made. */
#define ARG_DEVNULL (-1000001L) /* an fd on /dev/null: a file, never a terminal */
#define ARG_EMPTY (-1000002L)   /* "" */
#define ARG_BUF (-1000003L)     /* a few bytes of writable memory */

/* Arguments chosen so that each call fails, or does nothing, when the filter lets it through:
 * with the container's capabilities the kernel answers with something other than EPERM (EINVAL,
 * ENOENT, ENOSYS where the kernel lacks it, ...), so EPERM is the filter's (or a missing
 * capability's) answer. */
static const struct probe {
        const char *name;
        enum helper_call call;
        long args[5];
        bool returns_fd;
} probes[] = {
        { "kexec_load", HELPER_CALL_kexec_load, { 0, 0, 0, -1 } },       /* every flag: EINVAL */
        { "kexec_file_load", HELPER_CALL_kexec_file_load, { -1, -1, 0, 0, -1 } },
        { "init_module", HELPER_CALL_init_module, { 0, 0, ARG_EMPTY } }, /* an empty image */
        { "finit_module", HELPER_CALL_finit_module, { -1, ARG_EMPTY, 0 } },
        { "delete_module", HELPER_CALL_delete_module, { ARG_EMPTY, O_NONBLOCK } },
        { "swapon", HELPER_CALL_swapon, { ARG_EMPTY, 0 } },
        { "swapoff", HELPER_CALL_swapoff, { ARG_EMPTY } },
        { "open_by_handle_at", HELPER_CALL_open_by_handle_at, { -1, 0, O_RDONLY } },
        { "keyctl", HELPER_CALL_keyctl, { KEYCTL_GET_KEYRING_ID, -100, 0 } }, /* no such keyring */
        { "bpf", HELPER_CALL_bpf, { -1, 0, 0 } },                            /* no such command */
        { "perf_event_open", HELPER_CALL_perf_event_open, { 0, 0, -1, -1, 0 } },
        { "fanotify_init", HELPER_CALL_fanotify_init, { -1, 0 } },
        { "quotactl", HELPER_CALL_quotactl, { 0, 0, 0, 0 } },
        { "clock_settime", HELPER_CALL_clock_settime, { CLOCK_REALTIME, 0 } }, /* EFAULT */
        /* An unknown command: EINVAL, in the container's PID namespace as on the host. */
        { "reboot", HELPER_CALL_reboot, { LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, 0x5ec0, 0 } },
        { "mount", HELPER_CALL_mount, { ARG_EMPTY, ARG_EMPTY, ARG_EMPTY, 0, 0 } },
        { "ptrace", HELPER_CALL_ptrace, { PTRACE_CONT, 0, 0, 0 } }, /* pid 0: ESRCH */
        { "syslog", HELPER_CALL_syslog, { 10 /* SYSLOG_ACTION_SIZE_BUFFER */, 0, 0 } },
        /* On /dev/null these are ENOTTY; only the filter says EPERM. The high bit must not hide
         * TIOCSTI: the kernel reads the command as an unsigned int. */
        { "ioctl-tiocsti", HELPER_CALL_ioctl, { ARG_DEVNULL, TIOCSTI, ARG_BUF } },
        { "ioctl-tiocsti-high", HELPER_CALL_ioctl, { ARG_DEVNULL, (long) (1UL << 32 | TIOCSTI), ARG_BUF } },
        { "ioctl-tioclinux", HELPER_CALL_ioctl, { ARG_DEVNULL, TIOCLINUX, ARG_BUF } },
        { "ioctl-tcgets", HELPER_CALL_ioctl, { ARG_DEVNULL, TCGETS, ARG_BUF } },
        { "socket-netlink-audit", HELPER_CALL_socket, { AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT }, true },
        { "socket-netlink-route", HELPER_CALL_socket, { AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE }, true },
        { "getpid", HELPER_CALL_getpid, {} },
};

/* In static memory: a non-PIE static executable keeps it below 4 GiB, where an i386 pointer reaches. */
static char empty_string[1];
static char buffer[64];

static int try_probe(enum helper_abi abi, const struct probe *p, int devnull) {
        long a[5];
        long r;

        for (size_t i = 0; i < 5; i++)
                a[i] = p->args[i] == ARG_DEVNULL ? devnull :
                       p->args[i] == ARG_EMPTY ? (long) (uintptr_t) empty_string :
                       p->args[i] == ARG_BUF ? (long) (uintptr_t) buffer : p->args[i];
        errno = 0;
        r = helper_call(abi, p->call, a);
        if (r < 0)
                dprintf(1, "%s=%s\n", p->name, strerrorname_np(errno) ?: "EUNKNOWN");
        else {
                dprintf(1, "%s=ok\n", p->name);
                if (p->returns_fd)
                        close((int) r);
        }
        return 0;
}

static int parse_abi(const char *arg, enum helper_abi *ret) {
        if (strncmp(arg, "--abi=", 6) != 0)
                return 0;
        arg += 6;
        if (strcmp(arg, "native") == 0)
                *ret = HELPER_ABI_NATIVE;
#if defined(__x86_64__)
        else if (strcmp(arg, "i386") == 0)
                *ret = HELPER_ABI_I386;
        else if (strcmp(arg, "x32") == 0)
                *ret = HELPER_ABI_X32;
#endif
        else
                return -1;
        return 1;
}

static int cmd_try_syscall(int argc, char **argv) {
        enum helper_abi abi = HELPER_ABI_NATIVE;
        int devnull, i = 0, r;

        r = argc > 0 ? parse_abi(argv[0], &abi) : 0;
        if (r < 0) {
                dprintf(2, "unsupported ABI %s on this architecture\n", argv[0]);
                return EXIT_USAGE;
        }
        i += r;
        if (i >= argc)
                return EXIT_USAGE;
        devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (devnull < 0)
                return EXIT_OBSERVATION_FAILED;
        for (; i < argc; i++) {
                const struct probe *p = NULL;

                for (size_t j = 0; j < sizeof probes / sizeof *probes; j++)
                        if (strcmp(probes[j].name, argv[i]) == 0)
                                p = probes + j;
                if (!p) {
                        dprintf(2, "unknown probe %s\n", argv[i]);
                        return EXIT_USAGE;
                }
                try_probe(abi, p, devnull);
        }
        close(devnull);
        return 0;
}

int helper_sec_main(const char *cmd, int argc, char **argv) {
        if (strcmp(cmd, "caps") == 0)
                return cmd_caps(argc > 0 ? argv[0] : NULL);
        if (strcmp(cmd, "try-syscall") == 0)
                return cmd_try_syscall(argc, argv);
        return -1;
}
