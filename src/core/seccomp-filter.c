/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/capability.h"
#include "basic/log.h"
#include "basic/macro.h"
#include "core/seccomp-cache.h"
#include "core/seccomp-filter.h"

/* The container's system call filter: everything is allowed but a deny list, each entry failing
 * with EPERM.
 *
 * systemd-nspawn uses an allow list instead (@default, @file-system, ... plus single calls). A
 * deny list is used here because syscon boots whatever distribution it is given: an allow list
 * must know every system call the guest's userspace may use, and is only as current as the
 * groups it was built from (a new one, say a new mount or io_uring call, fails until syscon is
 * updated), while what the list below guards against is fixed: interfaces that reach state the
 * kernel does not namespace. The capabilities the container lacks (capability.c) already stop
 * most privileged calls; the list adds what those capabilities do not cover, and, as nspawn does,
 * denies the calls of a missing capability too, so that a kernel bug behind that capability
 * check is not reachable.
 *
 * Left allowed, unlike nspawn: @memlock (bounded by RLIMIT_MEMLOCK and the memory cgroup;
 * gpg-agent and databases lock their memory), @pkey (per process, no host state). */

#define DENY_ERRNO EPERM
#define ALWAYS (-1)

/* The @groups: the table below and the list of their names are both made from this. */
#define SYSCALL_GROUPS(G)                                                                          \
        G("@clock", "adjtimex", "clock_adjtime", "clock_adjtime64", "clock_settime",             \
          "clock_settime64", "settimeofday", "stime")                                            \
        G("@cpu-emulation", "modify_ldt", "subpage_prot", "switch_endian", "vm86", "vm86old")    \
        G("@debug", "lookup_dcookie", "perf_event_open", "pidfd_getfd", "process_vm_readv",      \
          "process_vm_writev", "ptrace")                                                         \
        G("@io-uring", "io_uring_enter", "io_uring_register", "io_uring_setup")                  \
        G("@keyring", "add_key", "keyctl", "request_key")                                        \
        G("@memlock", "mlock", "mlock2", "mlockall", "munlock", "munlockall")                    \
        G("@module", "delete_module", "finit_module", "init_module")                             \
        G("@mount", "chroot", "fsconfig", "fsmount", "fsopen", "fspick", "mount", "mount_setattr", \
          "move_mount", "open_tree", "pivot_root", "umount", "umount2")                          \
        G("@obsolete", "_sysctl", "afs_syscall", "bdflush", "create_module", "get_kernel_syms",  \
          "getpmsg", "putpmsg", "query_module", "security", "sysfs", "tuxcall", "uselib", "ustat", \
          "vserver")                                                                             \
        G("@pkey", "pkey_alloc", "pkey_free", "pkey_mprotect")                                   \
        G("@raw-io", "ioperm", "iopl", "pciconfig_iobase", "pciconfig_read", "pciconfig_write",  \
          "s390_pci_mmio_read", "s390_pci_mmio_write")                                           \
        G("@reboot", "kexec_file_load", "kexec_load", "reboot")                                  \
        G("@swap", "swapoff", "swapon")

#define GROUP_ENTRY(name, ...) { name, { __VA_ARGS__ } },
static const struct syscall_group {
        const char *name;
        const char *const syscalls[14];
} groups[] = { SYSCALL_GROUPS(GROUP_ENTRY) };

/* Denied unless the container keeps the capability named (ALWAYS: denied in every case). */
static const struct {
        const char *item;
        int unless;
} default_deny[] = {
        /* What a missing capability stops anyway (see above). */
        { "@clock", CAP_SYS_TIME },
        { "@module", CAP_SYS_MODULE },
        { "@raw-io", CAP_SYS_RAWIO },
        { "acct", CAP_SYS_PACCT },
        { "ptrace", CAP_SYS_PTRACE },
        { "process_vm_readv", CAP_SYS_PTRACE },
        { "process_vm_writev", CAP_SYS_PTRACE },
        /* reboot() is confined to the PID namespace by the kernel: it ends the container. */
        { "reboot", CAP_SYS_BOOT },
        /* With kernel.dmesg_restrict=0, reading the host's kernel log takes no capability. */
        { "syslog", CAP_SYSLOG },
        { "vhangup", CAP_SYS_TTY_CONFIG },

        /* Host state that the capabilities the container keeps would reach. */
        /* CAP_SYS_BOOT is kept for reboot(); with it kexec would replace the host's kernel. */
        { "kexec_load", ALWAYS },
        { "kexec_file_load", ALWAYS },
        /* "Shocker" (2014): with CAP_DAC_READ_SEARCH, guessed file handles open any file of a
         * host file system the tree lives on, outside the tree. */
        { "open_by_handle_at", ALWAYS },
        /* CAP_SYS_ADMIN: the host's swap, and the host file systems' quotas. */
        { "@swap", ALWAYS },
        { "quotactl", ALWAYS },
        { "quotactl_fd", ALWAYS },
        /* CAP_SYS_ADMIN: programs and marks on the host's kernel and whole host file systems; BPF
         * maps, tracing and fanotify marks are not namespaced. */
        { "bpf", ALWAYS },
        { "perf_event_open", ALWAYS },
        { "lookup_dcookie", ALWAYS },
        { "fanotify_init", ALWAYS },
        { "fanotify_mark", ALWAYS },
        /* The kernel keyring is not namespaced: the host users' keys and key quota. */
        { "@keyring", ALWAYS },
        { "nfsservctl", ALWAYS },
        /* Unused by any current userspace, or rarely and with a history of kernel bugs. */
        { "@obsolete", ALWAYS },
        { "@cpu-emulation", ALWAYS },
};

/* Denied for some argument values only; lifted when the call is named in an allow rule, superseded
 * when it is denied as a whole. The ioctl command is an unsigned int to the kernel, so only the
 * low 32 bits of the argument are compared (a set high bit must not slip past). */
static const struct {
        const char *syscall;
        int error;
        unsigned n_args;
        struct scmp_arg_cmp args[2];
} argument_rules[] = {
        /* CVE-2017-5226 class: with --console=pipe the container's stdin may be the caller's
         * terminal; TIOCSTI would push input into the shell that runs after syscon exits. */
        { "ioctl", EPERM, 1, { { .arg = 1, .op = SCMP_CMP_MASKED_EQ, .datum_a = 0xffffffffu,
                                 .datum_b = TIOCSTI } } },
        /* CVE-2023-1523 class: TIOCLINUX pastes a virtual console's selection as input. */
        { "ioctl", EPERM, 1, { { .arg = 1, .op = SCMP_CMP_MASKED_EQ, .datum_a = 0xffffffffu,
                                 .datum_b = TIOCLINUX } } },
        /* Audit is not namespaced: with CAP_AUDIT_CONTROL the guest would change the host's audit
         * rules. EAFNOSUPPORT is what audit userspace takes for "no audit in this kernel". */
        { "socket", EAFNOSUPPORT, 2, { { .arg = 0, .op = SCMP_CMP_EQ, .datum_a = AF_NETLINK },
                                       { .arg = 2, .op = SCMP_CMP_EQ, .datum_a = NETLINK_AUDIT } } },
};

/* The compat ABIs a native kernel also runs: each needs the same rules, or a 32-bit binary (or
 * int $0x80 from a 64-bit one) would go around them. Architectures not in the filter are killed
 * (libseccomp's default), so a missing entry here fails closed. */
static const struct {
        uint32_t native;
        uint32_t compat[2];
} arch_table[] = {
        { SCMP_ARCH_X86_64, { SCMP_ARCH_X86, SCMP_ARCH_X32 } },
        { SCMP_ARCH_AARCH64, { SCMP_ARCH_ARM } },
        { SCMP_ARCH_S390X, { SCMP_ARCH_S390 } },
};

DEFINE_TRIVIAL_CLEANUP_FUNC(scmp_filter_ctx, seccomp_release)

static const struct syscall_group *group_find(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(groups); i++)
                if (streq(groups[i].name, name))
                        return groups + i;
        return NULL;
}

bool seccomp_filter_name_is_valid(const char *name) {
        if (name[0] == '@')
                return group_find(name) != NULL;
        return seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
}

/* " @clock @cpu-emulation ...", one literal the compiler joins: no buffer to size or fill at run
 * time, where concurrent first callers would race. */
#define GROUP_LIST_ITEM(name, ...) " " name

const char *seccomp_filter_group_list(void) {
        return &SYSCALL_GROUPS(GROUP_LIST_ITEM)[1];
}

/* --- the plan: what happens to each system call named anywhere ---------------------------------- */

enum plan_state {
        PLAN_UNSET, /* not named: allowed, argument rules apply */
        PLAN_ALLOW,
        PLAN_DENY,
};

struct plan_entry {
        const char *syscall;
        enum plan_state state;
};

struct plan {
        struct plan_entry *entries;
        size_t n;
};

static void plan_done(struct plan *p) {
        free(p->entries);
        *p = (struct plan) {};
}

static enum plan_state plan_state_of(const struct plan *p, const char *syscall) {
        for (size_t i = 0; i < p->n; i++)
                if (streq(p->entries[i].syscall, syscall))
                        return p->entries[i].state;
        return PLAN_UNSET;
}

static int plan_set_one(struct plan *p, const char *syscall, enum plan_state state) {
        struct plan_entry *e;

        for (size_t i = 0; i < p->n; i++)
                if (streq(p->entries[i].syscall, syscall)) {
                        p->entries[i].state = state;
                        return 0;
                }
        e = reallocarray(p->entries, p->n + 1, sizeof *e);
        if (!e)
                return -ENOMEM;
        p->entries = e;
        p->entries[p->n++] = (struct plan_entry) { .syscall = syscall, .state = state };
        return 0;
}

/* A system call or an @group (names were checked when parsed). */
static int plan_set(struct plan *p, const char *item, enum plan_state state) {
        const struct syscall_group *g = group_find(item);
        int r = 0;

        if (!g)
                return plan_set_one(p, item, state);
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(g->syscalls) && g->syscalls[i]; i++)
                r = plan_set_one(p, g->syscalls[i], state);
        return r;
}

/* The user's rules of one layer; within a layer, as in nspawn, a denial beats an allowance. */
static int plan_add_layer(struct plan *p, const struct seccomp_rules *rules, bool from_profile) {
        int r;

        for (int deny = 0; deny <= 1; deny++)
                for (size_t i = 0; i < rules->n_rules; i++) {
                        const struct syscall_rule *rule = rules->rules + i;

                        if (rule->from_profile != from_profile || rule->deny != deny)
                                continue;
                        r = plan_set(p, rule->name, deny ? PLAN_DENY : PLAN_ALLOW);
                        if (r < 0)
                                return r;
                }
        return 0;
}

static int plan_build(const struct seccomp_rules *rules, struct plan *ret) {
        uint64_t caps = rules->capabilities;
        struct plan p = {};
        int r = 0;

        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(default_deny); i++)
                if (default_deny[i].unless == ALWAYS || !(caps & CAPABILITY_BIT(default_deny[i].unless)))
                        r = plan_set(&p, default_deny[i].item, PLAN_DENY);
        if (r >= 0)
                r = plan_add_layer(&p, rules, true);
        if (r >= 0)
                r = plan_add_layer(&p, rules, false);
        if (r < 0) {
                plan_done(&p);
                return r;
        }
        *ret = p;
        return 0;
}

static bool has_argument_rule(const char *syscall) {
        for (size_t i = 0; i < ELEMENTSOF(argument_rules); i++)
                if (streq(argument_rules[i].syscall, syscall))
                        return true;
        return false;
}

int seccomp_filter_verdict(const struct seccomp_rules *rules, const char *name, enum syscall_verdict *ret) {
        struct plan p;
        enum plan_state state;
        int r;

        r = plan_build(rules, &p);
        if (r < 0)
                return r;
        state = plan_state_of(&p, name);
        plan_done(&p);
        if (state == PLAN_DENY)
                *ret = SYSCALL_DENIED;
        else if (state == PLAN_UNSET && has_argument_rule(name))
                *ret = SYSCALL_RESTRICTED;
        else
                *ret = SYSCALL_ALLOWED;
        return 0;
}

/* The system calls syscon-init (init/syscon-init.c, static musl, native ABI) makes in every
 * `syscon run`; with --user and --chdir also those below. Denied, they leave the container without
 * a working PID 1, whatever its command is. Where musl has a choice it takes the first one this
 * architecture has (fork, else clone); a call the architecture lacks (arch_prctl off x86-64) is no
 * conflict. */
static const char *const init_syscalls[][2] = {
        { "arch_prctl" }, { "close" }, { "execve" }, { "exit_group" }, { "fcntl" }, { "fork", "clone" },
        { "getpid" }, { "kill" }, { "poll", "ppoll" }, { "read" }, { "rt_sigaction" },
        { "rt_sigprocmask" }, { "set_tid_address" }, { "setsid" }, { "signalfd4" }, { "wait4" },
};
static const char *const init_user_syscalls[][2] = { { "setgroups" }, { "setgid" }, { "setuid" } };
static const char *const init_chdir_syscalls[][2] = { { "chdir" } };

static bool is_native_syscall(const char *name) {
        return seccomp_syscall_resolve_name(name) >= 0;
}

static const char *first_denied(const struct plan *p, const char *const (*names)[2], size_t n) {
        for (size_t i = 0; i < n; i++) {
                const char *name = is_native_syscall(names[i][0]) || !names[i][1] ? names[i][0] : names[i][1];

                if (is_native_syscall(name) && plan_state_of(p, name) == PLAN_DENY)
                        return name;
        }
        return NULL;
}

int seccomp_filter_init_conflict(const struct seccomp_rules *rules, bool with_user, bool with_chdir,
                                 const char **ret) {
        struct plan p;
        int r;

        r = plan_build(rules, &p);
        if (r < 0)
                return r;
        *ret = first_denied(&p, init_syscalls, ELEMENTSOF(init_syscalls));
        if (!*ret && with_user)
                *ret = first_denied(&p, init_user_syscalls, ELEMENTSOF(init_user_syscalls));
        if (!*ret && with_chdir)
                *ret = first_denied(&p, init_chdir_syscalls, ELEMENTSOF(init_chdir_syscalls));
        plan_done(&p);
        return 0;
}

/* --- the filter --------------------------------------------------------------------------------- */

/* The native architecture and the compat ABIs its kernel runs beside it. */
static size_t host_arches(uint32_t ret[3]) {
        uint32_t native = seccomp_arch_native();
        size_t n = 0;

        ret[n++] = native;
        for (size_t i = 0; i < ELEMENTSOF(arch_table); i++)
                for (size_t j = 0; arch_table[i].native == native && j < ELEMENTSOF(arch_table[i].compat) &&
                                   arch_table[i].compat[j]; j++)
                        ret[n++] = arch_table[i].compat[j];
        return n;
}

/* ABIs where socket() may also come as socketcall(2), whose arguments are in memory that no
 * filter reads: libseccomp would compare unrelated registers instead (and fail a random
 * socketcall), so argument rules on socket() are left out there, as nspawn does. */
static bool arch_multiplexes_socket(uint32_t arch) {
        return arch == SCMP_ARCH_X86 || arch == SCMP_ARCH_S390 || arch == SCMP_ARCH_S390X;
}

static int filter_new(const uint32_t *arches, size_t n, scmp_filter_ctx *ret) {
        _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
        uint32_t native = seccomp_arch_native();
        bool has_native = false;
        int r;

        if (!ctx)
                return -ENOMEM;
        /* libseccomp sets no_new_privs on load by default; that is --no-new-privileges' decision
         * (setuid programs in the guest must keep working), and loading without it is allowed
         * while the loader has CAP_SYS_ADMIN. libseccomp returns negative errno values; with
         * SYSRAWRC the kernel's own rather than its catch-all -ECANCELED, so nothing here needs
         * translating. */
        r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
        if (r >= 0)
                r = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
        /* A binary tree rather than a list: every system call of the container runs the filter. */
        if (r >= 0)
                r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                if (arches[i] == native)
                        has_native = true;
                else
                        r = seccomp_arch_add(ctx, arches[i]);
        }
        /* seccomp_init() starts with the native architecture in. */
        if (r >= 0 && !has_native)
                r = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(ctx);
        return 0;
}

static int filter_add_plan(scmp_filter_ctx ctx, const struct plan *p, bool socket_arguments) {
        int r;

        for (size_t i = 0; i < p->n; i++) {
                int nr = seccomp_syscall_resolve_name(p->entries[i].syscall);

                /* Group members this libseccomp does not know cannot be filtered, nor called by
                 * number through its tables; user input was checked against it when parsed. */
                if (p->entries[i].state != PLAN_DENY || nr == __NR_SCMP_ERROR)
                        continue;
                r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(DENY_ERRNO), nr, 0);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < ELEMENTSOF(argument_rules); i++) {
                if (plan_state_of(p, argument_rules[i].syscall) != PLAN_UNSET ||
                    (!socket_arguments && streq(argument_rules[i].syscall, "socket")))
                        continue;
                r = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(argument_rules[i].error),
                                           seccomp_syscall_resolve_name(argument_rules[i].syscall),
                                           argument_rules[i].n_args, argument_rules[i].args);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* One filter for the ABIs given, all alike in whether socket() is multiplexed. */
static int filter_part(const uint32_t *arches, size_t n, const struct plan *p, scmp_filter_ctx *ret) {
        _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
        int r;

        r = filter_new(arches, n, &ctx);
        if (r >= 0)
                r = filter_add_plan(ctx, p, !arch_multiplexes_socket(arches[0]));
        if (r < 0)
                return r;
        *ret = TAKE_PTR(ctx);
        return 0;
}

/* The ABIs split by how socket() reaches the kernel, built apart, merged into one filter. */
static int filter_build_plan(const struct plan *p, scmp_filter_ctx *ret) {
        _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL, part = NULL;
        uint32_t arches[3], split[2][3];
        size_t n = host_arches(arches), n_split[2] = {};
        int r;

        for (size_t i = 0; i < n; i++) {
                bool mux = arch_multiplexes_socket(arches[i]);

                split[mux][n_split[mux]++] = arches[i];
        }
        for (size_t mux = 0; mux < 2; mux++) {
                if (n_split[mux] == 0)
                        continue;
                r = filter_part(split[mux], n_split[mux], p, ctx ? &part : &ctx);
                if (r >= 0 && part) {
                        /* seccomp_merge() takes `part` when it succeeds. */
                        r = seccomp_merge(ctx, part);
                        if (r >= 0)
                                part = NULL;
                }
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(ctx);
        return 0;
}

/* libseccomp (2.5) hands a filter out only as a file: through a memfd into memory. */
static int export_program(scmp_filter_ctx ctx, struct seccomp_program *ret) {
        _cleanup_close_ int fd = memfd_create("syscon-seccomp", MFD_CLOEXEC);
        _cleanup_free_ struct sock_filter *filter = NULL;
        struct stat st;
        ssize_t n;
        int r;

        if (fd < 0)
                return -errno;
        r = seccomp_export_bpf(ctx, fd);
        if (r < 0)
                return r;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (st.st_size <= 0 || st.st_size % sizeof *filter != 0 ||
            st.st_size / sizeof *filter > BPF_MAXINSNS)
                return -E2BIG;
        filter = malloc((size_t) st.st_size);
        if (!filter)
                return -ENOMEM;
        n = pread(fd, filter, (size_t) st.st_size, 0);
        if (n < 0)
                return -errno;
        if (n != st.st_size)
                return -EIO;
        ret->filter = TAKE_PTR(filter);
        ret->len = (unsigned short) (n / sizeof *ret->filter);
        return 0;
}

static int compile_plan(const struct plan *p, struct seccomp_program *ret) {
        _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
        int r;

        r = filter_build_plan(p, &ctx);
        if (r < 0)
                return r;
        return export_program(ctx, ret);
}

/* The plan in words, for the cache's key: the rest of what the program depends on is the code. */
static int plan_describe(const struct plan *p, char **ret) {
        static const char state_char[] = { [PLAN_UNSET] = '?', [PLAN_ALLOW] = '+', [PLAN_DENY] = '-' };
        size_t len = 1;
        char *s;

        for (size_t i = 0; i < p->n; i++)
                len += strlen(p->entries[i].syscall) + 2;
        s = malloc(len);
        if (!s)
                return -ENOMEM;
        *ret = s;
        for (size_t i = 0; i < p->n; i++) {
                *s++ = state_char[p->entries[i].state];
                s = stpcpy(s, p->entries[i].syscall);
                *s++ = '\n';
        }
        *s = 0;
        return 0;
}

static int compile_plan_cached(const struct plan *p, int cache_dir_fd, struct seccomp_program *ret) {
        _cleanup_free_ char *rules = NULL, *key = NULL;
        int r;

        r = plan_describe(p, &rules);
        if (r >= 0)
                r = seccomp_cache_key(rules, &key);
        if (r == -ENODATA)
                return compile_plan(p, ret);
        if (r < 0)
                return r;
        /* A cache that cannot be read or written costs a compile, never the start. */
        r = seccomp_cache_load(cache_dir_fd, key, ret);
        if (r > 0)
                return 0;
        if (r < 0)
                log_debug_errno(r, "Failed to read the kept system call filter: %m");

        r = compile_plan(p, ret);
        if (r < 0)
                return r;
        r = seccomp_cache_store(cache_dir_fd, key, ret);
        if (r < 0)
                log_debug_errno(r, "Failed to keep the compiled system call filter: %m");
        return 0;
}

int seccomp_filter_build(const struct seccomp_rules *rules, int cache_dir_fd, struct seccomp_program *ret) {
        struct plan p;
        int r;

        r = plan_build(rules, &p);
        if (r < 0)
                return r;
        r = cache_dir_fd >= 0 ? compile_plan_cached(&p, cache_dir_fd, ret) : compile_plan(&p, ret);
        plan_done(&p);
        return r;
}

void seccomp_program_done(struct seccomp_program *p) {
        free(p->filter);
        *p = (struct seccomp_program) {};
}

int seccomp_filter_load(const struct seccomp_program *p) {
        struct sock_fprog prog = { .len = p->len, .filter = p->filter };

        return RET_NERRNO(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0));
}
