# shellcheck shell=bash
# Hostile trees: symlinks where syscon mounts, and --bind targets leading out of the tree. Each must
# be refused (125) without anything happening outside the tree: no new entries in the host's /,
# /dev or /run, no mount, the outside directory unchanged.

# A directory outside every tree in $OUTSIDE, removed when the test ends.
outside_dir() {
        OUTSIDE=$(mktemp -d "/tmp/syscon-outside-$RUN_ID-XXXXXX") || fail "mktemp"
        on_exit "rm -rf --one-file-system '$OUTSIDE'"
        echo precious >"$OUTSIDE/file"
        mkdir "$OUTSIDE/sub"
}

t_hostile_api_symlinks() {
        local dir target tree entries_before mounts_before outside fp
        outside_dir
        outside=$OUTSIDE
        fp=$(dir_fingerprint "$outside")
        entries_before=$(host_entries)
        mounts_before=$(host_mounts_fingerprint)
        for dir in proc dev sys run tmp; do
                for target in / "$outside" ../../../../../../../../..; do
                        new_tree "hostile-$dir"
        tree=$NEW_TREE
                        rm -rf "${tree:?}/$dir"
                        ln -s "$target" "$tree/$dir"
                        sc run "$tree" /bin/true
                        [ "$RC" = 125 ] || fail "/$dir -> $target: exit status $RC, want 125"
                        expect_launcher_error "$dir"
                        expect_eq "$(readlink "$tree/$dir")" "$target" "/$dir symlink in the tree after the run"
                        expect_eq "$(mounts_mentioning "$tree")" "" "host mounts naming the tree"
                        rm -rf --one-file-system "$tree"
                done
        done
        expect_eq "$(host_entries)" "$entries_before" "entries in the host's /, /dev, /run, /var/lib"
        expect_eq "$(host_mounts_fingerprint)" "$mounts_before" "host mounts on /, /proc, /dev, /sys, /run, /tmp"
        expect_eq "$(dir_fingerprint "$outside")" "$fp" "fingerprint of a directory outside the tree"
        expect_eq "$(mounts_mentioning "$outside")" "" "host mounts naming the outside directory"
}
register t_hostile_api_symlinks "hostile trees: /proc, /dev, /sys, /run, /tmp as symlinks to /, outside, ../..: 125, nothing touched"

t_hostile_bind_target_symlink() {
        local tree src outside fp target
        outside_dir
        outside=$OUTSIDE
        fp=$(dir_fingerprint "$outside")
        src=$T/bind-src
        mkdir "$src" && echo from-src >"$src/src-file"
        for target in "$outside" "../../../../../../../../..$outside"; do
                new_tree hostile-bind
        tree=$NEW_TREE
                rm -rf "${tree:?}/mnt"
                ln -s "$target" "$tree/mnt"
                sc run --bind="$src:/mnt" "$tree" /bin/true
                [ "$RC" = 125 ] || fail "--bind=SRC:/mnt with /mnt -> $target: exit status $RC, want 125"
                expect_launcher_error /mnt
                sc run --bind-ro="$src:/mnt" "$tree" /bin/true
                [ "$RC" = 125 ] || fail "--bind-ro=SRC:/mnt with /mnt -> $target: exit status $RC, want 125"
                expect_launcher_error /mnt
                sc run --tmpfs=/mnt "$tree" /bin/true
                [ "$RC" = 125 ] || fail "--tmpfs=/mnt with /mnt -> $target: exit status $RC, want 125"
                expect_launcher_error /mnt
                expect_eq "$(mounts_mentioning "$outside")" "" "host mounts naming the outside directory"
                rm -rf --one-file-system "$tree"
        done
        expect_eq "$(dir_fingerprint "$outside")" "$fp" "fingerprint of the outside directory"
        expect_eq "$(find "$src" -mindepth 1 -printf '%P ')" "src-file " "entries of the bind source"
}
register t_hostile_bind_target_symlink "hostile trees: a --bind/--bind-ro/--tmpfs target that is a symlink out of the tree: 125, nothing touched"

# A symlink higher up the target path: the kernel must resolve it inside the tree (RESOLVE_IN_ROOT),
# so whatever syscon does (refuse, or create the target inside the tree), the outside is untouched.
t_hostile_bind_parent_symlink() {
        local tree src outside fp target
        outside_dir
        outside=$OUTSIDE
        fp=$(dir_fingerprint "$outside")
        src=$T/bind-src
        mkdir "$src" && echo from-src >"$src/src-file"
        for target in "$outside" "../../../../../../../../..$outside"; do
                for dst in /mnt/sub /mnt/new-dir; do
                        new_tree hostile-parent
        tree=$NEW_TREE
                        rm -rf "${tree:?}/mnt"
                        ln -s "$target" "$tree/mnt"
                        sc run --bind="$src:$dst" "$tree" /bin/true
                        case "$RC" in
                        0 | 125) ;;
                        *) fail "--bind=SRC:$dst with /mnt -> $target: exit status $RC, want 0 or 125" ;;
                        esac
                        expect_eq "$(mounts_mentioning "$outside")" "" "host mounts naming the outside directory"
                        expect_eq "$(dir_fingerprint "$outside")" "$fp" \
                                "fingerprint of the outside directory after --bind=SRC:$dst, /mnt -> $target"
                        rm -rf --one-file-system "$tree"
                done
        done
}
register t_hostile_bind_parent_symlink "hostile trees: --bind under a symlinked parent never creates or mounts outside the tree"
