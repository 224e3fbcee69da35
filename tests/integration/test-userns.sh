# shellcheck shell=bash
# User namespaces (issue #4), seen from inside `syscon run` containers on the busybox tree with the
# helper: the ID maps for each --private-users mode, what container root cannot do (also through a
# bind, not ID-mapped by default), ownership through ID-mapped mounts of the tree and of binds given
# :idmap, ranges of concurrent containers, and the values syscon must refuse before anything starts.

USERNS_MIN_BASE=524288
USERNS_RANGE=65536
# Explicit bases for the tests that need to know the range in advance: 65536-aligned, far above
# where `pick` starts, so no other test's container holds them.
USERNS_BASE_A=1073741824
USERNS_BASE_B=1107296256

# Sets MAP_BASE and MAP_COUNT from the helper's idmap output in $T/out, which must show one range
# mapping container root, the same for gids, with setgroups allowed.
read_map() {
        local uid_map
        uid_map=$(kv uid_map)
        expect_match "$uid_map" '^0:[0-9]+:[0-9]+$' "uid_map (one range from container root)"
        expect_eq "$(kv gid_map)" "$uid_map" "gid_map (the uid_map's)"
        expect_eq "$(kv setgroups)" allow "/proc/self/setgroups"
        MAP_BASE=$(cut -d: -f2 <<<"$uid_map")
        MAP_COUNT=$(cut -d: -f3 <<<"$uid_map")
}

# A range `pick` may give: 65536 IDs, 65536-aligned, at or above 524288.
expect_picked_range() { # WHAT
        [ "$MAP_COUNT" = "$USERNS_RANGE" ] || fail "$1: $MAP_COUNT IDs, want $USERNS_RANGE"
        [ "$MAP_BASE" -ge "$USERNS_MIN_BASE" ] || fail "$1: base $MAP_BASE is below $USERNS_MIN_BASE"
        [ $((MAP_BASE % USERNS_RANGE)) -eq 0 ] || fail "$1: base $MAP_BASE is not $USERNS_RANGE-aligned"
}

expect_disjoint() { # BASE-1 BASE-2 WHAT
        [ "$1" -ge $(($2 + USERNS_RANGE)) ] || [ "$2" -ge $(($1 + USERNS_RANGE)) ] ||
                fail "$3: ranges at $1 and $2 overlap"
}

# Runs "sh -c 'helper idmap; helper wait-signal'" in the background with OPTS and waits until it is
# ready; MAP_BASE is its range's base.
start_userns_bg() { # [OPTS...]
        on_exit "kill_procs_under '$BASE_TREE'"
        sc_bg run "$@" "$BASE_TREE" /bin/sh -c "$HELPER_IN_TREE idmap && exec $HELPER_IN_TREE wait-signal 0"
        if ! wait_for_line "$T/bg-out" '^ready=1$' 10; then
                bg_output_to_out
                fail "the background container did not get ready within 10 s"
        fi
        bg_output_to_out
        read_map
}

stop_userns_bg() {
        kill -TERM "$BG_PID"
        wait_pid "$BG_PID" 10 || fail "the background container still runs 10 s after SIGTERM"
        expect_rc 0
}

t_userns_default_pick() {
        local base
        observe "$BASE_TREE" -- idmap
        read_map
        expect_picked_range "the default (pick)"
        observe "$BASE_TREE" -U -M sit-userns-same -- idmap
        read_map
        expect_picked_range "-U"
        base=$MAP_BASE
        observe "$BASE_TREE" --private-users=pick -M sit-userns-same -- idmap
        read_map
        expect_eq "$MAP_BASE" "$base" "the range of the same machine name on its next start"
}
register t_userns_default_pick "userns: by default and with -U, container root is a 65536-aligned range of 65536 IDs at or above 524288"

t_userns_explicit_modes() {
        observe "$BASE_TREE" --private-users=identity -- idmap
        expect_eq "$(kv uid_map)" 0:0:65536 "uid_map with --private-users=identity"
        expect_eq "$(kv gid_map)" 0:0:65536 "gid_map with --private-users=identity"
        observe "$BASE_TREE" --private-users=no -- idmap
        expect_eq "$(kv uid_map)" 0:0:4294967295 "uid_map with --private-users=no"
        observe "$BASE_TREE" --private-users=$USERNS_BASE_A -- idmap
        expect_eq "$(kv uid_map)" "0:$USERNS_BASE_A:65536" "uid_map with --private-users=$USERNS_BASE_A"
        observe "$BASE_TREE" --private-users=$USERNS_BASE_B:131072 -- idmap
        expect_eq "$(kv uid_map)" "0:$USERNS_BASE_B:131072" "uid_map with --private-users=$USERNS_BASE_B:131072"
        expect_eq "$(kv gid_map)" "0:$USERNS_BASE_B:131072" "gid_map with --private-users=$USERNS_BASE_B:131072"
}
register t_userns_explicit_modes "userns: --private-users=identity maps 0 0 65536, =no the whole ID space, =BASE[:COUNT] that range"

t_userns_root_powers() {
        observe "$BASE_TREE" -U -- mknod-block /tmp/sit-block
        expect_eq "$(kv mknod)" EPERM "container root making a block device"
        observe "$BASE_TREE" -U -- setgroups 100
        expect_eq "$(kv setgroups)" ok "container root setting its supplementary groups"
        observe "$BASE_TREE" -U -- uid
        expect_eq "$(kv uid)" 0 "uid inside"
}
register t_userns_root_powers "userns: container root cannot make a block device; it may set its groups (setgroups allowed)"

# A host directory (0755) with a file only the host's root may read (0600), to bind on the tree's
# /mnt (an existing directory: a missing destination would be created in the shared tree).
make_host_only_dir() {
        HOST_ONLY=$T/host-only
        mkdir -m 0755 "$HOST_ONLY"
        echo sit-secret >"$HOST_ONLY/secret"
        chmod 0600 "$HOST_ONLY/secret"
}

# Binds are not ID-mapped unless :idmap is given (as in nspawn): through the bind, the host's root
# is nobody to the container, so container root may do there only what any other host user may.
t_userns_host_only_file() {
        make_host_only_dir
        observe "$BASE_TREE" -U --bind="$HOST_ONLY:/mnt" -- try-open /mnt/secret r
        expect_eq "$(kv open)" EACCES "container root opening the host's root-only file (--bind, the default)"
        observe "$BASE_TREE" -U --bind-ro="$HOST_ONLY:/mnt" -- try-open /mnt/secret r
        expect_eq "$(kv open)" EACCES "container root opening the host's root-only file (--bind-ro, the default)"
        observe "$BASE_TREE" -U --bind="$HOST_ONLY:/mnt" -- stat /mnt/secret
        expect_eq "$(kv uid):$(kv gid)" 65534:65534 "owner inside of the host's root file (--bind, the default)"
        observe "$BASE_TREE" -U --bind="$HOST_ONLY:/mnt:noidmap" -- try-open /mnt/secret r
        expect_eq "$(kv open)" EACCES "container root opening the host's root-only file (bind :noidmap)"
        # Asked for with :idmap, the host's root is container root there.
        observe "$BASE_TREE" -U --bind="$HOST_ONLY:/mnt:idmap" -- try-open /mnt/secret r
        expect_eq "$(kv open):$(kv read)" ok:11 "container root reading the file (bind :idmap)"
        observe "$BASE_TREE" -U --bind="$HOST_ONLY:/mnt:idmap" -- stat /mnt/secret
        expect_eq "$(kv uid):$(kv gid)" 0:0 "owner inside of the host's root file (bind :idmap)"
}
register t_userns_host_only_file "userns: container root cannot read a host root-only file through --bind or --bind-ro (not ID-mapped by default) or :noidmap; bound :idmap it can"

# The escape: container root makes a setuid file in a writable bind; were it owned by the host's
# root, any host user running it would get euid 0. Not ID-mapped (the default), the file belongs to
# the container's range, and running it gives that uid. The directory is writable for all but not
# listable, in /tmp so that a host user can reach it, and gone when the test ends.
t_escape_bind_setuid_root_plant() {
        local dir owner plant
        dir=$(mktemp -d "/tmp/syscon-plant-$RUN_ID-XXXXXX") || fail "mktemp"
        on_exit "rm -rf --one-file-system '$dir'"
        chmod 0733 "$dir"
        plant="cp $HELPER_IN_TREE /mnt/sit-plant && chmod 4755 /mnt/sit-plant"

        sc run -q -U --bind="$dir:/mnt" "$BASE_TREE" /bin/sh -c "$plant"
        expect_rc 0
        owner=$(stat -c %u "$dir/sit-plant")
        expect_ne "$owner" 0 "host owner of the setuid file container root made in a --bind"
        expect_eq "$(stat -c %a "$dir/sit-plant")" 4755 "mode of the planted file"
        if ! findmnt -no OPTIONS -T "$dir" | grep -qw nosuid; then
                setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/sit-plant" uid >"$T/out" 2>"$T/err" ||
                        fail "a host user cannot run the planted file"
                expect_eq "$(kv euid)" "$owner" "euid of a host user running the planted file"
        fi
        rm -f "$dir/sit-plant"

        # :idmap is the explicit opt-in to the old behaviour: container root is host root there.
        sc run -q -U --bind="$dir:/mnt:idmap" "$BASE_TREE" /bin/sh -c "$plant"
        expect_rc 0
        expect_eq "$(stat -c %u:%a "$dir/sit-plant")" 0:4755 "host owner and mode of the file planted in a bind :idmap"
        rm -f "$dir/sit-plant"
}
register t_escape_bind_setuid_root_plant "escape: container root cannot plant a setuid-root file in a writable --bind (not ID-mapped by default); with :idmap it is host root's"

t_userns_bind_tmpfs_submount() {
        local src major minor
        src=$T/bind-sub
        mkdir -p "$src/sub"
        mount -t tmpfs -o size=1m sit-userns-sub "$src/sub" || fail "cannot mount a tmpfs on $src/sub"
        on_exit "umount '$src/sub'"
        echo below >"$src/sub/file"
        IFS=. read -r major minor _ <<<"$(uname -r)"
        if [ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -ge 3 ]; }; then
                # tmpfs can be ID-mapped since Linux 6.3: the default rbind carries it, mapped.
                observe "$BASE_TREE" -U --bind="$src:/mnt:idmap" -- stat /mnt/sub/file
                expect_eq "$(kv uid):$(kv gid)" 0:0 "owner inside of a file on the ID-mapped tmpfs submount"
        else
                # Before, the whole bind is refused, naming the way out.
                in_tree "$BASE_TREE" -U --bind="$src:/mnt:idmap" -- stat /mnt/sub/file
                expect_rc 125
                grep -q 'without :idmap' "$T/err" || fail "the refusal does not suggest binding without :idmap: $(cat "$T/err")"
        fi
}
register t_userns_bind_tmpfs_submount "userns: a --bind :idmap carries a tmpfs submount (Linux >= 6.3) or is refused naming the way out"

t_userns_files_made_inside() {
        local tree
        new_tree userns-made
        tree=$NEW_TREE
        mkdir -m 0777 "$T/shared"
        observe "$tree" -U -- write-file /sit-made-by-root
        expect_eq "$(stat -c %u:%g "$tree/sit-made-by-root")" 0:0 "owner on disk of a file container root made in the tree"
        observe "$tree" -U --user=user -- write-file /home/user/sit-made-by-user
        expect_eq "$(stat -c %u:%g "$tree/home/user/sit-made-by-user")" 1000:1000 \
                "owner on disk of a file the container's uid 1000 made in the tree"
        observe "$tree" -U --bind="$T/shared:/mnt/shared:idmap" -- write-file /mnt/shared/idmapped
        expect_eq "$(stat -c %u:%g "$T/shared/idmapped")" 0:0 "owner on disk of a file made in a bind :idmap"
        observe "$tree" --private-users=$USERNS_BASE_A --bind="$T/shared:/mnt/shared" -- \
                write-file /mnt/shared/not-idmapped
        expect_eq "$(stat -c %u:%g "$T/shared/not-idmapped")" "$USERNS_BASE_A:$USERNS_BASE_A" \
                "owner on disk of a file container root made in a --bind (not ID-mapped by default)"
        observe "$tree" --private-users=$USERNS_BASE_A --bind="$T/shared:/mnt/shared:noidmap" -- \
                write-file /mnt/shared/noidmap
        expect_eq "$(stat -c %u:%g "$T/shared/noidmap")" "$USERNS_BASE_A:$USERNS_BASE_A" \
                "owner on disk of a file container root made in a bind :noidmap"
}
register t_userns_files_made_inside "userns: files made inside are owned by 0 (or 1000) on disk through the ID-mapped tree and binds :idmap; plain binds and :noidmap show the range"

t_userns_ownership_modes() {
        local tree ctime
        observe "$BASE_TREE" -U --private-users-ownership=map -- stat /etc/passwd
        expect_eq "$(kv uid):$(kv gid)" 0:0 "owner inside of /etc/passwd with ownership map"
        observe "$BASE_TREE" -U --private-users-ownership=off -- stat /etc/passwd
        expect_eq "$(kv uid):$(kv gid)" 65534:65534 "owner inside of /etc/passwd with ownership off"
        new_tree userns-chown
        tree=$NEW_TREE
        observe "$tree" --private-users=$USERNS_BASE_A --private-users-ownership=chown -- stat /etc/passwd
        expect_eq "$(kv uid):$(kv gid)" 0:0 "owner inside of /etc/passwd with ownership chown"
        expect_eq "$(stat -c %u:%g "$tree/etc/passwd")" "$USERNS_BASE_A:$USERNS_BASE_A" "owner on disk after chown"
        expect_eq "$(stat -c %u:%g "$tree/home/user")" "$((USERNS_BASE_A + 1000)):$((USERNS_BASE_A + 1000))" \
                "owner on disk of /home/user (1000 inside) after chown"
        ctime=$(stat -c %Z "$tree/etc/passwd")
        sleep 1.1
        observe "$tree" --private-users=$USERNS_BASE_A --private-users-ownership=chown -- stat /etc/passwd
        expect_eq "$(kv uid):$(kv gid)" 0:0 "owner inside of /etc/passwd, second start with chown"
        expect_eq "$(stat -c %Z "$tree/etc/passwd")" "$ctime" "ctime of /etc/passwd (the second start must not chown again)"
}
register t_userns_ownership_modes "userns: ownership map shows the tree's owners inside, off shows nobody, chown shifts the tree once"

t_userns_ranges_disjoint() {
        local preferred first
        # The range the name prefers, then a container holding exactly that range.
        observe "$BASE_TREE" -U -M sit-userns-b -- idmap
        read_map
        preferred=$MAP_BASE
        host_state_snapshot
        start_userns_bg --private-users="$preferred" -M sit-userns-a
        expect_eq "$MAP_BASE" "$preferred" "base of the container started with --private-users=$preferred"
        observe "$BASE_TREE" -U -M sit-userns-b -- idmap
        read_map
        expect_picked_range "a second container's range"
        expect_disjoint "$MAP_BASE" "$preferred" "the second container's range and the running one's"
        first=$MAP_BASE
        observe "$BASE_TREE" -U -M sit-userns-c -- idmap
        read_map
        expect_disjoint "$MAP_BASE" "$preferred" "a third container's range and the running one's"
        stop_userns_bg
        expect_host_state_unchanged
        echo "ranges: running $preferred, then $first and $MAP_BASE"
}
register t_userns_ranges_disjoint "userns: a container whose preferred range is held by a running one gets a disjoint range"

t_userns_range_in_use_refused() {
        local listing
        start_userns_bg -U -M sit-userns-holder
        listing=$(runtime_state)
        sc run --private-users="$MAP_BASE" "$BASE_TREE" /bin/true
        expect_launcher_error "$MAP_BASE"
        sc run --private-users="$((MAP_BASE - 32768)):65536" "$BASE_TREE" /bin/true
        expect_launcher_error "$((MAP_BASE - 32768)):65536"
        expect_eq "$(runtime_state)" "$listing" "/run/syscon after the refusals"
        stop_userns_bg
}
register t_userns_range_in_use_refused "userns: an explicit range overlapping a running container's is refused with 125"

t_userns_stale_lease() {
        local tree
        new_tree userns-stale
        tree=$NEW_TREE
        on_exit "kill_procs_under '$tree'"
        sc_bg run --private-users=$USERNS_BASE_B "$tree" "$HELPER_IN_TREE" wait-signal 0
        wait_for_line "$T/bg-out" '^ready=1$' 10 || fail "the container did not get ready within 10 s"
        kill -KILL "$BG_PID"
        wait "$BG_PID" 2>/dev/null
        kill_procs_under "$tree" || fail "the killed syscon's container did not go away"
        observe "$tree" --private-users=$USERNS_BASE_B -- idmap
        expect_eq "$(kv uid_map)" "0:$USERNS_BASE_B:65536" "uid_map of the range a killed syscon held"
}
register t_userns_stale_lease "userns: the range of a syscon killed with SIGKILL is free again (a stale lease is detected)"

t_userns_bad_values() {
        local v ro listing
        host_state_snapshot
        for v in 4294967296 4294901760:131072 0:0 "$USERNS_BASE_A:0" abc 65536:abc -5; do
                sc run --private-users="$v" "$BASE_TREE" /bin/true
                expect_launcher_error "$v"
        done
        sc run -U --private-users-ownership=sit-bogus "$BASE_TREE" /bin/true
        expect_launcher_error sit-bogus
        expect_host_state_unchanged
        # chown on a tree that is read-only on the host.
        new_tree userns-ro
        ro=$WORK/trees/userns-ro-mount
        mkdir "$ro"
        on_exit "rmdir '$ro'"
        mount --bind "$NEW_TREE" "$ro" && on_exit "umount '$ro'" && mount -o remount,bind,ro "$ro" ||
                fail "cannot make a read-only bind mount of the tree"
        listing=$(tree_listing "$ro")
        host_state_snapshot
        sc run --private-users=$USERNS_BASE_A --private-users-ownership=chown "$ro" /bin/true
        expect_launcher_error chown
        expect_eq "$(tree_listing "$ro")" "$listing" "the read-only tree"
        expect_host_state_unchanged
}
register t_userns_bad_values "userns: a range past 2^32, a count of 0, a non-number, a bad ownership, chown on a read-only tree: 125, nothing left"

t_userns_auto_on_overlay() {
        local lower merged listing
        new_tree userns-lower
        lower=$NEW_TREE
        merged=$WORK/trees/userns-overlay
        mkdir "$merged" "$T/upper" "$T/work"
        on_exit "rmdir '$merged'"
        mount -t overlay overlay -o "lowerdir=$lower,upperdir=$T/upper,workdir=$T/work" "$merged" ||
                fail "cannot mount an overlay on $merged"
        on_exit "umount '$merged' || umount -l '$merged'"
        dir_key "$merged" >>"$WORK/snap/tree-keys"
        listing=$(tree_listing "$lower")
        # overlayfs cannot be ID-mapped (mount_setattr gives EINVAL): auto must fall back to chown.
        observe "$merged" --private-users=$USERNS_BASE_A -- stat /etc/passwd
        expect_eq "$(kv uid):$(kv gid)" 0:0 "owner inside of /etc/passwd on an overlayfs tree (ownership auto)"
        observe "$merged" --private-users=$USERNS_BASE_A -- write-file /sit-made-by-root
        expect_eq "$(stat -c %u "$merged/sit-made-by-root")" "$USERNS_BASE_A" \
                "owner in the overlay of a file container root made (the tree is shifted, not mapped)"
        expect_eq "$(tree_listing "$lower")" "$listing" "the overlay's lower layer"
}
register t_userns_auto_on_overlay "userns: on an overlayfs tree, which cannot be ID-mapped, ownership auto falls back to chown"

# The shift that auto falls back to happens only once every check passed: a start refused for its
# input, whether the launcher or the host's state refuses it, leaves the tree's owners as they were.
t_userns_auto_refused_start_keeps_tree() {
        local lower merged owners
        new_tree userns-refused-lower
        lower=$NEW_TREE
        ln -s /etc "$lower/sit-link"
        merged=$WORK/trees/userns-refused
        mkdir "$merged" "$T/upper" "$T/work" "$T/src"
        on_exit "rmdir '$merged'"
        mount -t overlay overlay -o "lowerdir=$lower,upperdir=$T/upper,workdir=$T/work" "$merged" ||
                fail "cannot mount an overlay on $merged"
        on_exit "umount '$merged' || umount -l '$merged'"
        dir_key "$merged" >>"$WORK/snap/tree-keys"
        # A shift changes every owner, the root directory's last: these two say whether one began.
        owners="$(stat -c %u:%g "$merged/etc/passwd" "$merged" | tr '\n' ' ')"
        host_state_snapshot
        sc run --private-users=$USERNS_BASE_A --bind="$T/src:/sit-link" "$merged" /bin/true
        expect_launcher_error "symlink"
        expect_eq "$(stat -c %u:%g "$merged/etc/passwd" "$merged" | tr '\n' ' ')" "$owners" \
                "owners of /etc/passwd and / after a start refused for its bind target"
        sc run --private-users=$USERNS_BASE_A --network-bridge=sit-nosuchbr "$merged" /bin/true
        expect_launcher_error "sit-nosuchbr"
        expect_eq "$(stat -c %u:%g "$merged/etc/passwd" "$merged" | tr '\n' ' ')" "$owners" \
                "owners of /etc/passwd and / after a start refused for its bridge"
        expect_host_state_unchanged
}
register t_userns_auto_refused_start_keeps_tree "userns: a start refused for a bind target or a missing bridge does not shift an overlayfs tree (ownership auto)"
