/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "core/capability.h"
#include "basic/macro.h"

/* libcap reports failures as -1 with errno set; this module hands out negative errno values only. */
DEFINE_TRIVIAL_CLEANUP_FUNC(cap_t, cap_free)

/* cap_to_name()'s strings are libcap's to free, too. */
static inline void cap_free_namep(char **name) {
        if (*name)
                cap_free(*name);
}

uint64_t capability_default_set(void) {
        /* systemd-nspawn's list: enough for a distribution's systemd to boot as PID 1 (CAP_SYS_ADMIN
         * for its mounts, CAP_SYS_BOOT for reboot() in the PID namespace, CAP_AUDIT_* for its audit
         * messages), but not CAP_SYS_MODULE, CAP_SYS_RAWIO, CAP_SYS_TIME, CAP_NET_ADMIN (on the
         * host's network), CAP_MAC_*, CAP_SYSLOG, CAP_IPC_LOCK, CAP_BPF or CAP_PERFMON. */
        return CAPABILITY_BIT(CAP_AUDIT_CONTROL) |
               CAPABILITY_BIT(CAP_AUDIT_WRITE) |
               CAPABILITY_BIT(CAP_CHOWN) |
               CAPABILITY_BIT(CAP_DAC_OVERRIDE) |
               CAPABILITY_BIT(CAP_DAC_READ_SEARCH) |
               CAPABILITY_BIT(CAP_FOWNER) |
               CAPABILITY_BIT(CAP_FSETID) |
               CAPABILITY_BIT(CAP_IPC_OWNER) |
               CAPABILITY_BIT(CAP_KILL) |
               CAPABILITY_BIT(CAP_LEASE) |
               CAPABILITY_BIT(CAP_LINUX_IMMUTABLE) |
               CAPABILITY_BIT(CAP_MKNOD) |
               CAPABILITY_BIT(CAP_NET_BIND_SERVICE) |
               CAPABILITY_BIT(CAP_NET_BROADCAST) |
               CAPABILITY_BIT(CAP_NET_RAW) |
               CAPABILITY_BIT(CAP_SETFCAP) |
               CAPABILITY_BIT(CAP_SETGID) |
               CAPABILITY_BIT(CAP_SETPCAP) |
               CAPABILITY_BIT(CAP_SETUID) |
               CAPABILITY_BIT(CAP_SYS_ADMIN) |
               CAPABILITY_BIT(CAP_SYS_BOOT) |
               CAPABILITY_BIT(CAP_SYS_CHROOT) |
               CAPABILITY_BIT(CAP_SYS_NICE) |
               CAPABILITY_BIT(CAP_SYS_PTRACE) |
               CAPABILITY_BIT(CAP_SYS_RESOURCE) |
               CAPABILITY_BIT(CAP_SYS_TTY_CONFIG);
}

int capability_from_name(const char *name) {
        _cleanup_(cap_free_namep) char *canonical = NULL;
        cap_value_t cap;

        /* cap_from_name() also takes numbers and stops at a ',', so the name must come back the same. */
        if (strncasecmp(name, "cap_", 4) != 0 || cap_from_name(name, &cap) < 0 || cap < 0 ||
            cap >= CAPABILITY_MASK_BITS)
                return -EINVAL;
        canonical = cap_to_name(cap);
        if (!canonical)
                return -ENOMEM;
        return strcasecmp(canonical, name) == 0 ? cap : -EINVAL;
}

/* Root's permitted set after execve() is the bounding set plus the inheritable set, so inheritable
 * bits outside the container's set (the caller's, if it had any) must go too. */
static int drop_inheritable(uint64_t keep, cap_value_t last) {
        _cleanup_(cap_freep) cap_t caps = cap_get_proc();
        bool changed = false;

        if (!caps)
                return negative_errno();
        for (cap_value_t cap = 0; cap <= last; cap++) {
                cap_flag_value_t v;

                if (keep & CAPABILITY_BIT(cap))
                        continue;
                if (cap_get_flag(caps, cap, CAP_INHERITABLE, &v) < 0)
                        return negative_errno();
                if (v == CAP_CLEAR)
                        continue;
                if (cap_set_flag(caps, CAP_INHERITABLE, 1, &cap, CAP_CLEAR) < 0)
                        return negative_errno();
                changed = true;
        }
        /* Usually there is nothing to clear: a container's start is not to pay for a capset(). */
        if (changed && cap_set_proc(caps) < 0)
                return negative_errno();
        return 0;
}

int capability_apply(uint64_t keep, bool no_new_privileges) {
        cap_value_t last = cap_max_bits() - 1;
        int r;

        /* cap_max_bits() is what the running kernel knows (cap_last_cap), not libcap's list. */
        for (cap_value_t cap = 0; cap <= last; cap++)
                if (!(keep & CAPABILITY_BIT(cap)) && cap_drop_bound(cap) < 0)
                        return negative_errno();
        r = drop_inheritable(keep, last);
        if (r < 0)
                return r;
        /* Ambient capabilities survive execve() even for non-root users: none may come in. One
         * prctl() rather than cap_reset_ambient(), which first asks about every capability. */
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
                return negative_errno();
        if (no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return negative_errno();
        return 0;
}
