# shellcheck shell=bash
# Capabilities, no_new_privs, the system call filter and the shipped profiles, observed from inside
# the container with the helper's `caps` (from /proc/PID/status) and `try-syscall` (each probe's
# errno). A call's EPERM counts as the filter's only next to a run where the same call, allowed,
# gets another answer from the kernel. Most tests run without a user namespace, where a capability
# is one over the host and the kernel's own checks do not hide the filter's; t_caps_user_namespace
# covers the default.

# syscon(1)'s default bounding set: systemd-nspawn's.
NSPAWN_CAPS="CAP_AUDIT_CONTROL CAP_AUDIT_WRITE CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH
CAP_FOWNER CAP_FSETID CAP_IPC_OWNER CAP_KILL CAP_LEASE CAP_LINUX_IMMUTABLE CAP_MKNOD
CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_RAW CAP_SETFCAP CAP_SETGID CAP_SETPCAP CAP_SETUID
CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_CHROOT CAP_SYS_NICE CAP_SYS_PTRACE CAP_SYS_RESOURCE
CAP_SYS_TTY_CONFIG"

# What profiles/strict.conf says it keeps.
STRICT_CAPS="CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_FSETID CAP_KILL CAP_NET_BIND_SERVICE
CAP_SETGID CAP_SETUID CAP_SYS_CHROOT"

# Calls the built-in list denies, with the filter that lets each through again.
DENIED_PROBES="kexec_load kexec_file_load open_by_handle_at swapon swapoff keyctl bpf perf_event_open
fanotify_init quotactl ioctl-tiocsti ioctl-tiocsti-high ioctl-tioclinux"
DENIED_ALLOWED_BY="kexec_load kexec_file_load open_by_handle_at @swap @keyring bpf perf_event_open
fanotify_init quotactl ioctl"

PROFILES=$SYSCON_SOURCE_ROOT/profiles

# A comma list (or "-") as sorted words.
cap_words() { # LIST
        [ "$1" = - ] || tr ',' '\n' <<<"$1" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}

# The names among WORDS the host's own bounding set has (a container cannot get more), sorted.
host_has() { # WORDS
        local host c
        "$SYSCON_TEST_HELPER" caps >"$T/host-caps" || fail "the helper cannot read the host's capabilities"
        host=,$(kv bnd "$T/host-caps"),
        for c in $1; do
                [[ $host == *",$c,"* ]] && echo "$c"
        done | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}

host_bounding_set() {
        "$SYSCON_TEST_HELPER" caps >"$T/host-caps" || fail "the helper cannot read the host's capabilities"
        cap_words "$(kv bnd "$T/host-caps")"
}

# Runs `caps` in a container with OPTIONS and checks its bounding set is WANT (sorted words).
expect_bounding_set() { # WANT OPTIONS...
        local want=$1
        shift
        observe "$BASE_TREE" --private-users=no "$@" -- caps
        expect_eq "$(cap_words "$(kv bnd)")" "$want" "bounding set with options: $*"
}

# The ABIs the host's kernel runs this helper in: on x86-64 also i386 (int $0x80, unless the kernel
# has it off) and x32 (which the filter sees even when the kernel has no x32 support).
host_abis() {
        local abis=native
        if [ "$(uname -m)" = x86_64 ]; then
                "$SYSCON_TEST_HELPER" try-syscall --abi=i386 getpid 2>/dev/null | grep -q '^getpid=ok$' &&
                        abis+=" i386"
                abis+=" x32"
        fi
        echo "$abis"
}

has_cap() { # CAP [FILE]
        [[ ",$(kv bnd "${2:-$T/out}")," == *",$1,"* ]]
}

# Each of PROBES is EPERM in a container with OPTIONS (ABI: native, i386, x32).
expect_probes() { # WANT ABI "PROBES" OPTIONS...
        local want=$1 abi=$2 probes=$3 p
        shift 3
        # shellcheck disable=SC2086
        observe "$BASE_TREE" --private-users=no "$@" -- try-syscall --abi="$abi" $probes
        for p in $probes; do
                if [ "$want" = EPERM ]; then
                        expect_eq "$(kv "$p")" EPERM "$p ($abi) with options: $*"
                else
                        expect_match "$(kv "$p")" '^(ok|E[A-Z0-9]+)$' "$p ($abi) with options: $*"
                        expect_ne "$(kv "$p")" EPERM "$p ($abi), allowed, with options: $*"
                fi
        done
}

t_caps_default_set() {
        local want pid
        want=$(host_has "$NSPAWN_CAPS")
        for pid in self 1; do
                observe "$BASE_TREE" --private-users=no -- caps "$pid"
                expect_eq "$(cap_words "$(kv bnd)")" "$want" "bounding set of $pid (documented list, as far as the host has it)"
                expect_eq "$(cap_words "$(kv eff)")" "$want" "effective set of $pid (root)"
                expect_eq "$(cap_words "$(kv prm)")" "$want" "permitted set of $pid"
                expect_eq "$(kv inh)" - "inheritable set of $pid"
                expect_eq "$(kv amb)" - "ambient set of $pid"
                expect_eq "$(kv nnp)" 0 "no_new_privs of $pid"
                expect_eq "$(kv seccomp)" 2 "seccomp mode of $pid (filter)"
        done
        # The host's set is more than that, or the comparison proves nothing.
        expect_ne "$(host_bounding_set)" "$want" "the host's bounding set"
}
register t_caps_default_set "capabilities: the bounding set is nspawn's documented list; PID 1 and the command alike"

t_caps_net_admin_follows_network() {
        [ -n "$(host_has CAP_NET_ADMIN)" ] || fail "the host itself lacks CAP_NET_ADMIN"
        observe "$BASE_TREE" --private-users=no -- caps
        ! has_cap CAP_NET_ADMIN || fail "CAP_NET_ADMIN in a container on the host's network"
        observe "$BASE_TREE" --private-users=no --private-network -- caps
        has_cap CAP_NET_ADMIN || fail "no CAP_NET_ADMIN in a container with a network namespace of its own"
        expect_bounding_set "$(host_has "$NSPAWN_CAPS CAP_NET_ADMIN")" --private-network
        expect_bounding_set "$(host_has "$NSPAWN_CAPS")" --private-network --drop-capability=CAP_NET_ADMIN
}
register t_caps_net_admin_follows_network "capabilities: CAP_NET_ADMIN only with --private-network (issue #5)"

t_caps_options() {
        local base
        base=$(host_has "$NSPAWN_CAPS")
        expect_bounding_set "$(host_has "${NSPAWN_CAPS/CAP_SYS_ADMIN/}")" --drop-capability=CAP_SYS_ADMIN
        expect_bounding_set "$(host_has "${NSPAWN_CAPS/CAP_MKNOD/}")" --drop-capability=cap_mknod
        expect_bounding_set "$(host_has "$NSPAWN_CAPS CAP_SYS_TIME CAP_SYSLOG")" --capability=CAP_SYS_TIME,CAP_SYSLOG
        # A drop wins over an add, in either order.
        expect_bounding_set "$base" --capability=CAP_SYS_TIME --drop-capability=CAP_SYS_TIME
        expect_bounding_set "$base" --drop-capability=CAP_SYS_TIME --capability=CAP_SYS_TIME
        expect_bounding_set "$(host_bounding_set)" --capability=all
        observe "$BASE_TREE" --private-users=no --drop-capability=all -- caps
        expect_eq "$(kv bnd)" - "bounding set with --drop-capability=all"
        expect_eq "$(kv eff)" - "effective set with --drop-capability=all"
}
register t_caps_options "capabilities: --capability= and --drop-capability= (names, all, drop wins)"

t_caps_user_gets_none() {
        observe "$BASE_TREE" --private-users=no -u user -- caps
        expect_eq "$(kv eff)" - "effective set of a non-root user"
        expect_eq "$(kv prm)" - "permitted set of a non-root user"
        expect_eq "$(kv amb)" - "ambient set of a non-root user"
        expect_eq "$(cap_words "$(kv bnd)")" "$(host_has "$NSPAWN_CAPS")" "bounding set of a non-root user"
}
register t_caps_user_gets_none "capabilities: a non-root --user has none, not even ambient ones"

t_caps_user_namespace() {
        local want
        # A new user namespace starts from a full bounding set, whatever the host's: the container
        # gets exactly the documented list, each capability over its own namespaces only.
        # shellcheck disable=SC2086
        want=$(printf '%s\n' $NSPAWN_CAPS | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
        observe "$BASE_TREE" -- caps
        expect_eq "$(cap_words "$(kv bnd)")" "$want" "bounding set in a user namespace"
        expect_eq "$(kv seccomp)" 2 "seccomp mode in a user namespace (filter)"
        observe "$BASE_TREE" -- try-syscall --abi=native kexec_load swapon keyctl
        expect_eq "$(kv keyctl)" EPERM "keyctl in a user namespace"
}
register t_caps_user_namespace "capabilities: with the default user namespace, the documented list and the filter"

t_no_new_privileges() {
        local pid
        for pid in self 1; do
                observe "$BASE_TREE" --private-users=no --no-new-privileges=yes -- caps "$pid"
                expect_eq "$(kv nnp)" 1 "no_new_privs of $pid with --no-new-privileges=yes"
                observe "$BASE_TREE" --private-users=no --no-new-privileges=no -- caps "$pid"
                expect_eq "$(kv nnp)" 0 "no_new_privs of $pid with --no-new-privileges=no"
        done
}
register t_no_new_privileges "--no-new-privileges=yes sets no_new_privs for PID 1 and the command"

t_seccomp_denies_host_calls() {
        expect_probes EPERM native "$DENIED_PROBES"
        # The same calls allowed get the kernel's own answer: the EPERM above was the filter's.
        expect_probes allowed native "$DENIED_PROBES" --system-call-filter="$DENIED_ALLOWED_BY"
        # Unrelated calls go through.
        expect_probes allowed native "getpid mount ptrace ioctl-tcgets socket-netlink-route reboot"
}
register t_seccomp_denies_host_calls "seccomp: kexec, swap, keyring, bpf, perf, fanotify, quotas, TIOCSTI fail with EPERM"

t_seccomp_follows_capabilities() {
        # reboot() is the container's own (the kernel ends its PID namespace) while it has CAP_SYS_BOOT.
        expect_probes allowed native reboot
        expect_probes EPERM native reboot --drop-capability=CAP_SYS_BOOT
        # Without the capability the kernel says EPERM too; with it, the call gets through the filter.
        expect_probes allowed native "clock_settime syslog" --capability=CAP_SYS_TIME,CAP_SYSLOG
        expect_probes EPERM native "clock_settime" --capability=CAP_SYS_TIME --system-call-filter="~@clock"
}
register t_seccomp_follows_capabilities "seccomp: reboot, clock and syslog follow CAP_SYS_BOOT, CAP_SYS_TIME, CAP_SYSLOG"

t_seccomp_filter_option() {
        expect_probes allowed native "mount ptrace"
        expect_probes EPERM native "mount ptrace" --system-call-filter="~mount ptrace"
        expect_probes EPERM native "mount" --system-call-filter="~@mount"
        # Within the command line a denial wins over an allowance.
        expect_probes EPERM native "mount" --system-call-filter=mount --system-call-filter=~mount
        expect_probes allowed native "keyctl" --system-call-filter=@keyring
}
register t_seccomp_filter_option "seccomp: --system-call-filter= denies (~) and allows names and @groups"

# A rule that would take from syscon-init a call it needs is refused before anything starts; the
# same call denied where syscon-init does not need it (no --user, or under syscon boot's own init)
# is the user's to deny.
t_seccomp_spares_syscon_init() {
        local rule
        for rule in getpid wait4 rt_sigprocmask signalfd4 kill setsid "@debug getpid"; do
                host_state_snapshot
                in_tree "$BASE_TREE" --private-users=no --system-call-filter="~$rule" -- caps
                expect_launcher_error "denies ${rule##* }, which syscon-init"
                expect_host_state_unchanged
        done
        in_tree "$BASE_TREE" --private-users=no --system-call-filter=~setuid -u user -- caps
        expect_launcher_error "denies setuid, which syscon-init"
        in_tree "$BASE_TREE" --private-users=no --system-call-filter=~chdir --chdir=/tmp -- caps
        expect_launcher_error "denies chdir, which syscon-init"
        # Without --user, setuid is not syscon-init's: denied for the command, as asked.
        expect_probes EPERM native ptrace --system-call-filter="~setuid ptrace"
}
register t_seccomp_spares_syscon_init "seccomp: a rule denying a call syscon-init needs (getpid, wait4, setuid with --user, ...) is 125 naming it"

SECCOMP_CACHE=/run/syscon/seccomp

# The cache's files, one per line: NAME TYPE MODE OWNER INODE.
seccomp_cache_files() {
        find "$SECCOMP_CACHE" -mindepth 1 -maxdepth 1 -printf '%f %y %m %u %i\n' 2>/dev/null | LC_ALL=C sort
}

t_seccomp_cache() {
        local entry name inode
        # Emptied first: the names are hashes of the rules, and an earlier run may have left some.
        rm -f "$SECCOMP_CACHE"/*
        expect_probes EPERM native ptrace --system-call-filter=~ptrace
        entry=$(seccomp_cache_files)
        expect_match "$entry" '^[0-9a-f]{16} f 600 root [0-9]+$' "the one file kept for --system-call-filter=~ptrace"
        read -r name _ _ _ inode <<<"$entry"

        expect_probes EPERM native ptrace --system-call-filter=~ptrace
        expect_eq "$(seccomp_cache_files)" "$entry" "the cache after a second start with the same rules (read, not rewritten)"

        # What syscon did not write as it writes it is compiled afresh, and replaced.
        head -c "$(stat -c %s "$SECCOMP_CACHE/$name")" /dev/urandom >"$SECCOMP_CACHE/$name"
        expect_probes EPERM native ptrace --system-call-filter=~ptrace
        expect_match "$(seccomp_cache_files)" "^$name f 600 root " "a garbled file, after a start"
        expect_ne "$(seccomp_cache_files)" "$name f 600 root $inode" "a garbled file is replaced"
        chmod 0666 "$SECCOMP_CACHE/$name"
        expect_probes EPERM native ptrace --system-call-filter=~ptrace
        expect_match "$(seccomp_cache_files)" "^$name f 600 root " "a file others may write, after a start"
        echo keep >"$T/symlink-target"
        rm -f "$SECCOMP_CACHE/$name"
        ln -s "$T/symlink-target" "$SECCOMP_CACHE/$name"
        expect_probes EPERM native ptrace --system-call-filter=~ptrace
        expect_match "$(seccomp_cache_files)" "^$name f 600 root " "a symlink in the file's place, after a start"
        expect_eq "$(cat "$T/symlink-target")" keep "the symlink's target"

        # Other rules, another file; and the rules of each stay apart.
        expect_probes allowed native ptrace
        expect_eq "$(seccomp_cache_files | wc -l)" 2 "files kept for two rule sets"
        expect_probes EPERM native ptrace --system-call-filter=~ptrace
}
register t_seccomp_cache "seccomp: compiled filters are kept per rule set in /run/syscon/seccomp; a garbled, writable or symlinked file is not used"

t_seccomp_compat_abis() {
        local abi abis
        abis=$(host_abis)
        [ "$abis" != native ] || skip "no compat ABI to probe on $(uname -m)"
        for abi in ${abis#native }; do
                # Denied, not killed (SIGSYS would end the helper): the ABI is in the filter.
                expect_probes EPERM "$abi" "kexec_load keyctl open_by_handle_at ioctl-tiocsti"
                expect_probes EPERM "$abi" "mount" --system-call-filter=~mount
                # i386's socket() may come through socketcall(2), whose arguments no filter sees:
                # there the rule is left out (syscon(1)).
                [ "$abi" = i386 ] && continue
                observe "$BASE_TREE" --private-users=no -- try-syscall --abi="$abi" socket-netlink-audit
                expect_eq "$(kv socket-netlink-audit)" EAFNOSUPPORT "socket(AF_NETLINK, NETLINK_AUDIT) ($abi)"
        done
        # Allowed, an i386 call reaches the kernel (x32 may be compiled out: ENOSYS proves less).
        if [[ " $abis " == *" i386 "* ]]; then
                expect_probes allowed i386 "keyctl getpid" --system-call-filter=keyctl
                expect_eq "$(kv keyctl)" EINVAL "keyctl over int \$0x80, allowed"
        fi
}
register t_seccomp_compat_abis "seccomp: the i386 (int \$0x80) and x32 ABIs get the same rules"

t_cve_2017_5226_tiocsti() {
        local abi
        for abi in $(host_abis); do
                expect_probes EPERM "$abi" "ioctl-tiocsti ioctl-tiocsti-high ioctl-tioclinux"
        done
        observe "$BASE_TREE" --private-users=no -- try-syscall ioctl-tcgets
        expect_eq "$(kv ioctl-tcgets)" ENOTTY "another ioctl on /dev/null"
}
register t_cve_2017_5226_tiocsti "CVE-2017-5226 class: TIOCSTI (also with high bits set) and TIOCLINUX are denied"

t_shocker_open_by_handle_at() {
        local abi
        for abi in $(host_abis); do
                expect_probes EPERM "$abi" open_by_handle_at --capability=all
        done
        observe "$BASE_TREE" --private-users=no --capability=all -- caps
        has_cap CAP_DAC_READ_SEARCH || fail "no CAP_DAC_READ_SEARCH: the probe proves nothing"
}
register t_shocker_open_by_handle_at "Shocker (2014): open_by_handle_at is denied even with every capability"

t_audit_netlink() {
        observe "$BASE_TREE" --private-users=no -- try-syscall socket-netlink-audit socket-netlink-route
        expect_eq "$(kv socket-netlink-audit)" EAFNOSUPPORT "socket(AF_NETLINK, NETLINK_AUDIT)"
        expect_eq "$(kv socket-netlink-route)" ok "socket(AF_NETLINK, NETLINK_ROUTE)"
        observe "$BASE_TREE" --private-users=no --system-call-filter=socket -- try-syscall socket-netlink-audit
        expect_ne "$(kv socket-netlink-audit)" EAFNOSUPPORT "socket(AF_NETLINK, NETLINK_AUDIT), allowed"
}
register t_audit_netlink "seccomp: audit netlink sockets fail with EAFNOSUPPORT (audit is not namespaced)"

t_profile_default() {
        local plain
        observe "$BASE_TREE" --private-users=no -- caps
        plain=$(cat "$T/out")
        observe "$BASE_TREE" --private-users=no --profile="$PROFILES/default.conf" -- caps
        expect_eq "$(cat "$T/out")" "$plain" "caps with --profile=default"
        expect_probes EPERM native "$DENIED_PROBES" --profile="$PROFILES/default.conf"
}
register t_profile_default "profiles: default changes nothing"

t_profile_strict() {
        observe "$BASE_TREE" --private-users=no --profile="$PROFILES/strict.conf" --private-network -- caps 1
        expect_eq "$(cap_words "$(kv bnd)")" "$(host_has "$STRICT_CAPS")" "bounding set with the strict profile"
        expect_eq "$(kv nnp)" 1 "no_new_privs with the strict profile"
        # mount() is denied by the filter, not only by the missing CAP_SYS_ADMIN.
        expect_probes EPERM native "mount" --profile="$PROFILES/strict.conf" --capability=CAP_SYS_ADMIN
        expect_probes allowed native "mount" --capability=CAP_SYS_ADMIN
        # Options given with it win.
        observe "$BASE_TREE" --private-users=no --profile="$PROFILES/strict.conf" --capability=CAP_SYS_ADMIN --no-new-privileges=no -- caps
        has_cap CAP_SYS_ADMIN || fail "--capability=CAP_SYS_ADMIN did not override the profile"
        expect_eq "$(kv nnp)" 0 "no_new_privs with --no-new-privileges=no over the profile"
}
register t_profile_strict "profiles: strict keeps 9 capabilities, sets no_new_privs, denies mount; options override it"

t_profile_trusted() {
        observe "$BASE_TREE" --private-users=no --profile="$PROFILES/trusted.conf" -- caps
        expect_eq "$(cap_words "$(kv bnd)")" "$(host_bounding_set)" "bounding set with the trusted profile"
        expect_probes allowed native "keyctl bpf perf_event_open fanotify_init" --profile="$PROFILES/trusted.conf"
        expect_probes EPERM native "kexec_load open_by_handle_at swapon ioctl-tiocsti" --profile="$PROFILES/trusted.conf"
}
register t_profile_trusted "profiles: trusted keeps every capability, allows tracing and keyrings, still denies kexec"

t_profile_bad() {
        local p=$T/bad.conf
        printf '# fine\nno-new-privileges=yes\nsystem-call-filter=~mount nosuchcall\n' >"$p"
        in_tree "$BASE_TREE" --profile="$p" -- caps
        expect_launcher_error "$p:3: invalid system-call-filter= value"
        printf 'capability=CAP_CHOWN\nprivate-network=yes\n' >"$p"
        in_tree "$BASE_TREE" --profile="$p" -- caps
        expect_launcher_error "$p:2: unknown setting \"private-network\""
        in_tree "$BASE_TREE" --profile=no-such-profile -- caps
        expect_launcher_error 'No profile "no-such-profile"'
        in_tree "$BASE_TREE" --profile="$T/missing.conf" -- caps
        expect_launcher_error "$T/missing.conf"
        mkfifo "$T/fifo.conf"
        in_tree "$BASE_TREE" --profile="$T/fifo.conf" -- caps
        expect_launcher_error "$T/fifo.conf: not a regular file"
}
register t_profile_bad "profiles: a bad line, an unknown setting, a missing profile, a FIFO: 125 naming file:line"

t_security_bad_options() {
        local bad needle
        while IFS='|' read -r bad needle; do
                in_tree "$BASE_TREE" "$bad" -- caps
                expect_launcher_error "$needle"
        done <<'EOF'
--capability=CAP_NOPE|Invalid --capability= value "CAP_NOPE"
--capability=|Invalid --capability= value ""
--capability=sys_admin|Invalid --capability= value "sys_admin"
--drop-capability=CAP_SYS_ADMIN,,CAP_KILL|Invalid --drop-capability= value
--no-new-privileges=maybe|Invalid --no-new-privileges= value "maybe"
--system-call-filter=~nosuchcall|"nosuchcall" is neither a system call nor one of the groups
--system-call-filter=@nosuch|"@nosuch"
--system-call-filter=~|Invalid --system-call-filter= value "~"
--profile=|Invalid --profile= value ""
--profile=../x|../x
EOF
}
register t_security_bad_options "security options: each bad value is 125 with one message naming it"
