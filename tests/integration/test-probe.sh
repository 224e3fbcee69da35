# shellcheck shell=bash
# Findings of the attacker's-eye probe of the launcher (issue 18): files syscon reads from the tree
# are bounded, non-blocking and resolved inside it; the host's root is refused however it is named.

t_probe_passwd_fifo() {
        local tree
        new_tree probe-fifo
        tree=$NEW_TREE
        rm "$tree/etc/passwd"
        mkfifo "$tree/etc/passwd"
        # Without --user the tree's passwd only supplies root's home and shell: a FIFO there is
        # skipped, never waited on.
        SC_TIMEOUT=20 observe "$tree" -- uid
        expect_eq "$(kv uid)" 0 "uid inside with a FIFO as /etc/passwd"
        SC_TIMEOUT=20 in_tree "$tree" --user=user -- uid
        expect_launcher_error "not a regular file"
}
register t_probe_passwd_fifo "probe: a FIFO as the tree's /etc/passwd never hangs syscon; --user names it as not a regular file"

t_probe_passwd_relative_symlink() {
        local tree
        new_tree probe-passwd-link
        tree=$NEW_TREE
        mkdir "$tree/etc/real"
        mv "$tree/etc/passwd" "$tree/etc/real/passwd"
        ln -s real/passwd "$tree/etc/passwd"
        observe "$tree" --user=user -- uid
        expect_eq "$(kv uid):$(kv gid)" 1000:1000 "uid:gid of --user=user through a relative /etc/passwd link"
        # A link that climbs above the tree resolves inside it, clamped at its root.
        rm "$tree/etc/passwd"
        ln -s ../../../../../../../etc/real/passwd "$tree/etc/passwd"
        observe "$tree" --user=user -- uid
        expect_eq "$(kv uid)" 1000 "uid of --user=user through a link climbing above the tree's root"
}
register t_probe_passwd_relative_symlink "probe: --user follows an /etc/passwd symlink that stays inside the tree"

t_probe_host_root_by_bind() {
        local alias=$WORK/trees/host-root-alias
        mkdir "$alias"
        on_exit "rmdir '$alias'"
        mount --bind / "$alias" || fail "cannot bind / on $alias"
        on_exit "umount '$alias' || umount -l '$alias'"
        sc run "$alias" /bin/true
        expect_launcher_error "host's own root"
}
register t_probe_host_root_by_bind "probe: the host's / bound elsewhere is still refused as a tree"

# CVE-2019-5736: nothing the container executes may resolve /proc/self/exe to the host's syscon.
# A booted init is executed by syscon-init from its sealed memfd, so an init that names
# /proc/self/exe (as a script's interpreter, or through a link that only resolves once /proc is
# mounted) finds that copy of syscon-init, never the host's binary.
t_escape_cve_2019_5736_boot_init() {
        local tree how version
        version=$("$SYSCON" --version)
        for how in interpreter link; do
                new_tree "probe-exe-$how"
                tree=$NEW_TREE
                rm -f "$tree/sbin/init"
                case "$how" in
                interpreter)
                        printf '#!/proc/self/exe --version\n' >"$tree/sbin/init"
                        chmod 0755 "$tree/sbin/init"
                        ;;
                link)
                        # A file where procfs will be, so that the link resolves inside the tree
                        # before the container's /proc is mounted over it.
                        mkdir -p "$tree/proc/self"
                        cp "$tree/bin/busybox" "$tree/proc/self/exe"
                        ln -s /proc/self/exe "$tree/sbin/init"
                        ;;
                esac
                SC_TIMEOUT=30 sc boot --console=pipe "$tree"
                echo "$how: status $RC; $(head -c 300 "$T/out" | tr '\n' ' ') / $(head -c 300 "$T/err" | tr '\n' ' ')"
                if grep -qF -e "$version" -e "system containers" "$T/out" "$T/err"; then
                        fail "init as /proc/self/exe ($how) ran the host's syscon"
                fi
                [ "$RC" != 0 ] || fail "init as /proc/self/exe ($how): exit status 0"
                # What ran is syscon-init's sealed copy, which says so; a dynamically linked host
                # syscon would have failed for want of its loader in the tree instead.
                grep -q '^syscon-init: ' "$T/err" || fail "init as /proc/self/exe ($how) did not find syscon-init there"
        done
}
register t_escape_cve_2019_5736_boot_init "CVE-2019-5736: a booted init naming /proc/self/exe never runs the host's syscon binary"

t_probe_messages_never_echo_raw_bytes() {
        local secret=$T/not-a-profile.conf
        sc run --hostname=$'web\e]0;owned\a\e[2J' "$BASE_TREE" /bin/true
        expect_launcher_error "--hostname"
        if grep -q $'[\e\a]' "$T/err"; then
                fail "an escape or bell byte from the command line reached stderr"
        fi
        grep -qF '\x1b' "$T/err" || fail "the escape byte is not shown as \\x1b"
        # A file given as a profile that is none: named, never quoted (it may be /etc/shadow).
        echo 'root:$6$sit-secret-hash:19000:0:99999:7:::' >"$secret"
        sc run --profile="$secret" "$BASE_TREE" /bin/true
        expect_launcher_error "$secret:1"
        if grep -qF 'sit-secret-hash' "$T/err"; then
                fail "the message quotes the file's content"
        fi
}
register t_probe_messages_never_echo_raw_bytes "probe: messages show control bytes escaped and never quote a file given as a profile"

t_probe_passwd_too_large() {
        local tree
        new_tree probe-passwd-large
        tree=$NEW_TREE
        head -c $((5 * 1024 * 1024)) /dev/zero | tr '\0' '#' >>"$tree/etc/passwd"
        in_tree "$tree" --user=user -- uid
        expect_launcher_error "larger than"
        if grep -q "Invalid --user" "$T/err"; then
                fail "a passwd too large to read is blamed on --user"
        fi
        # Root needs no lookup by name: a run without --user still starts.
        observe "$tree" -- uid
        expect_eq "$(kv uid)" 0 "uid inside without --user"
}
register t_probe_passwd_too_large "probe: an /etc/passwd over 4 MiB is named as such, not as a bad --user"
