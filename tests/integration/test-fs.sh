# shellcheck shell=bash
# The container's file system view: mounts, /proc, /sys, /dev, --bind, --bind-ro, --tmpfs,
# --read-only.

# Every mount point the container may have: the tree, the API file systems and what is under them.
CONTAINER_MOUNT_RE='^(/|/proc(/.*)?|/sys(/.*)?|/dev(/.*)?|/run|/tmp)$'

t_no_host_mount_visible() {
        local path host_mp leaked=
        observe "$BASE_TREE" -- mounts
        while read -r path; do
                [[ $path =~ $CONTAINER_MOUNT_RE ]] || leaked+=" $path"
        done < <(kv_all path | tr ' ' '\n')
        [ -z "$leaked" ] || fail "unexpected mounts in the container:$leaked"

        # Every host mount point outside the API file systems must be absent inside.
        while read -r host_mp; do
                [[ $host_mp =~ $CONTAINER_MOUNT_RE ]] && continue
                grep -q "^path=$host_mp " "$T/out" && leaked+=" $host_mp"
        done < <(awk '{ print $5 }' /proc/self/mountinfo | LC_ALL=C sort -u)
        [ -z "$leaked" ] || fail "host mounts visible in the container:$leaked"
        # Nor may a mount point or source name the host's paths to the tree or the work directory
        # (root= may: for a bind mount it is the path inside the source file system).
        if awk '{ print $1, $3 }' "$T/out" | grep -F -- "$WORK"; then
                fail "a container mount names the host path $WORK"
        fi
}
register t_no_host_mount_visible "no host mount is visible inside (only /, /proc, /sys, /dev, /run, /tmp)"

t_expected_mounts() {
        local want path fstype got
        observe "$BASE_TREE" -- mounts
        for want in /proc:proc /sys:sysfs /dev:tmpfs /dev/pts:devpts /dev/shm:tmpfs \
                /dev/mqueue:mqueue /run:tmpfs /tmp:tmpfs; do
                path=${want%%:*} fstype=${want#*:}
                got=$(awk -v p="path=$path" '$1 == p { print $2 }' "$T/out" | tail -n 1)
                expect_eq "$got" "fstype=$fstype" "file system mounted on $path"
        done
        # A devpts instance of its own: not the host's (another device number), and its ptmx usable.
        got=$(awk '$1 == "path=/dev/pts" { print $7 }' "$T/out" | tail -n 1)
        while read -r dev; do
                expect_ne "$got" "dev=$dev" "device of /dev/pts (the host's devpts)"
        done < <(awk '$(NF - 2) == "devpts" { print $3 }' /proc/self/mountinfo)
        observe "$BASE_TREE" -u user -- try-open /dev/ptmx rw
        expect_eq "$(kv open)" ok "open(/dev/ptmx, O_RDWR) as an unprivileged user"
}
register t_expected_mounts "the container has /proc, /sys, /dev (tmpfs, devpts, shm, mqueue), /run and /tmp"

t_proc_sys_read_only() {
        local f
        # The mount is what protects the host's knobs from a container root that is the host's
        # root; a user namespace's root is refused even earlier, by the files' owner (EACCES).
        observe "$BASE_TREE" -- statvfs /proc/sys
        expect_eq "$(kv rdonly)" 1 "/proc/sys read-only"
        for f in /proc/sys/kernel/hostname /proc/sys/vm/drop_caches; do
                observe "$BASE_TREE" --private-users=no -- try-open "$f" w
                expect_eq "$(kv open)" EROFS "open($f, O_WRONLY) as the host's root"
                observe "$BASE_TREE" -- try-open "$f" w
                expect_match "$(kv open)" '^(EROFS|EACCES)$' "open($f, O_WRONLY) in a user namespace"
        done
        # /proc itself stays writable where it must (the command's own files).
        observe "$BASE_TREE" -- try-open /proc/self/comm w
        expect_eq "$(kv open)" ok "open(/proc/self/comm, O_WRONLY)"
}
register t_proc_sys_read_only "/proc/sys is read-only (EROFS), /proc/self stays writable"

t_proc_masked_files() {
        local f checked=0 open rd
        for f in kcore keys timer_list kallsyms sysrq-trigger; do
                # Only meaningful where the host kernel has the file and root can read it.
                if [ ! -e "/proc/$f" ]; then
                        echo "host has no /proc/$f"
                        continue
                fi
                observe "$BASE_TREE" -- try-open "/proc/$f" r
                open=$(kv open) rd=$(kv read)
                # read= is a byte count or an errno name (sysrq-trigger has no read: EIO).
                if [ "$open" = ok ] && [[ $rd =~ ^[0-9]+$ ]] && [ "$rd" != 0 ]; then
                        fail "/proc/$f is readable inside the container (read returned $rd bytes)"
                fi
                if [ "$f" = sysrq-trigger ]; then
                        observe "$BASE_TREE" -- try-open "/proc/$f" w
                        expect_ne "$(kv open)" ok "open(/proc/sysrq-trigger, O_WRONLY)"
                fi
                checked=$((checked + 1))
        done
        [ "$checked" -gt 0 ] || skip "the host kernel has none of the masked /proc files"
}
register t_proc_masked_files "/proc/kcore, keys, timer_list, kallsyms, sysrq-trigger are masked"

t_sys_read_only() {
        local f
        observe "$BASE_TREE" -- statvfs /sys
        expect_eq "$(kv rdonly)" 1 "/sys read-only"
        in_tree "$BASE_TREE" --private-users=no -- write-file /sys/syscon-test
        expect_eq "$(kv write)" EROFS "creating a file in /sys as the host's root"
        # As for /proc/sys: the mount stops the host's root; a user namespace's root is stopped by
        # the files' owner first.
        for f in /sys/kernel/rcu_expedited /sys/kernel/mm/transparent_hugepage/enabled /sys/kernel/profiling; do
                [ -w "$f" ] || continue
                observe "$BASE_TREE" --private-users=no -- try-open "$f" w
                expect_eq "$(kv open)" EROFS "open($f, O_WRONLY) as the host's root"
                observe "$BASE_TREE" -- try-open "$f" w
                expect_match "$(kv open)" '^(EROFS|EACCES)$' "open($f, O_WRONLY) in a user namespace"
        done
}
register t_sys_read_only "/sys is read-only (EROFS)"

t_dev_contents() {
        local want
        observe "$BASE_TREE" -- ls /dev
        expect_eq "$(kv_all name)" "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero" \
                "entries of /dev"
        for want in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
                expect_eq "$(grep "^name=${want%%:*} " "$T/out" | awk '{ print $2, $4 }')" \
                        "type=chr dev=${want#*:}" "/dev/${want%%:*}"
        done
        expect_match "$(grep '^name=ptmx ' "$T/out")" 'type=lnk .*target=pts/ptmx$|type=chr .*dev=5:2$' "/dev/ptmx"
        expect_match "$(grep '^name=fd ' "$T/out")" 'type=lnk .*target=/proc/self/fd$' "/dev/fd"
        for want in stdin:0 stdout:1 stderr:2; do
                expect_match "$(grep "^name=${want%%:*} " "$T/out")" "type=lnk .*target=/proc/self/fd/${want#*:}\$" \
                        "/dev/${want%%:*}"
        done
        for want in pts shm mqueue; do
                expect_match "$(grep "^name=$want " "$T/out")" 'type=dir' "/dev/$want"
        done

        observe "$BASE_TREE" -- ls /dev/pts
        expect_eq "$(kv_all name)" "ptmx" "entries of /dev/pts (a fresh devpts: no host terminal)"
}
register t_dev_contents "/dev holds exactly null zero full random urandom tty ptmx pts shm mqueue fd stdin stdout stderr"

t_dev_nodes_work() {
        observe "$BASE_TREE" -- try-open /dev/zero r
        expect_eq "$(kv read)" 65536 "bytes read from /dev/zero"
        observe "$BASE_TREE" -- try-open /dev/null r
        expect_eq "$(kv read)" 0 "bytes read from /dev/null"
        observe "$BASE_TREE" -- try-open /dev/urandom r
        expect_eq "$(kv read)" 65536 "bytes read from /dev/urandom"
        observe "$BASE_TREE" -- write-file /dev/null
        expect_eq "$(kv write)" ok "writing /dev/null"
        in_tree "$BASE_TREE" -- write-file /dev/full
        expect_eq "$(kv write)" ENOSPC "writing /dev/full"
}
register t_dev_nodes_work "the device nodes in /dev work (zero, null, urandom, full)"

t_bind() {
        local tree src
        new_tree bind
        tree=$NEW_TREE
        src=$T/bind-src
        # Writable for container root, which is an unprivileged user on the host: binds are not
        # ID-mapped by default (t_userns_host_only_file).
        mkdir -m 0777 "$src" && echo hello >"$src/hello"

        sc run --bind="$src:/mnt/data" "$tree" /bin/cat /mnt/data/hello
        expect_rc 0
        expect_eq "$(cat "$T/out")" hello "file read through --bind"

        observe "$tree" --bind="$src:/mnt/data" -- write-file /mnt/data/new inside
        expect_eq "$(kv write)" ok "writing through --bind"
        expect_eq "$(cat "$src/new" 2>/dev/null)" inside "file written through --bind, seen on the host"

        # Without DST, the same path inside.
        observe "$tree" --bind="$src" -- ls "$src"
        expect_eq "$(kv_all name)" "hello new" "entries at $src inside"

        expect_eq "$(mounts_mentioning "$src")" "" "host mounts naming the bind source after the run"
        expect_eq "$(mounts_mentioning "$tree")" "" "host mounts naming the tree after the run"
}
register t_bind "--bind=SRC:DST and --bind=SRC: read and write through, nothing left mounted"

# Trees link directories (/var/run -> /run, /lib -> usr/lib): a missing target below such a link is
# made where the link leads inside the tree, as it is found there when it exists.
t_bind_below_symlinked_dir() {
        local tree src
        new_tree bind-below-link
        tree=$NEW_TREE
        src=$T/bind-src
        mkdir "$src" && echo hello >"$src/hello"
        mkdir -p "$tree/srv/real"
        ln -s /srv/real "$tree/srv/link"

        sc run --bind="$src:/srv/link/data" "$tree" /bin/cat /srv/real/data/hello
        expect_rc 0
        expect_eq "$(cat "$T/out")" hello "file read where the link leads"
        [ -d "$tree/srv/real/data" ] || fail "the mount point was not made at /srv/real/data in the tree"
        expect_eq "$(readlink "$tree/srv/link")" /srv/real "the link after the run"
        expect_eq "$(mounts_mentioning "$tree")" "" "host mounts naming the tree after the run"
}
register t_bind_below_symlinked_dir "--bind to a missing path below a symlinked directory of the tree: made where it leads"

t_bind_rbind_norbind() {
        local tree src
        new_tree bind-recursive
        tree=$NEW_TREE
        src=$T/bind-src
        mkdir -p "$src/sub"
        mount -t tmpfs -o size=1m sit-submount "$src/sub" || fail "cannot mount a tmpfs on $src/sub"
        on_exit "umount '$src/sub'"
        echo below >"$src/sub/file"

        observe "$tree" --bind="$src:/mnt/data" -- ls /mnt/data/sub
        expect_eq "$(kv_all name)" file "entries under a submount with --bind (rbind by default)"
        observe "$tree" --bind="$src:/mnt/data:rbind" -- ls /mnt/data/sub
        expect_eq "$(kv_all name)" file "entries under a submount with :rbind"
        observe "$tree" --bind="$src:/mnt/data:norbind" -- ls /mnt/data/sub
        expect_eq "$(kv_all name)" "" "entries under a submount with :norbind"
        expect_eq "$(mounts_mentioning "$tree")" "" "host mounts naming the tree after the runs"
}
register t_bind_rbind_norbind "--bind ...:rbind (default) carries submounts, :norbind does not"

t_bind_colon_escape() {
        local tree src
        new_tree bind-colon
        tree=$NEW_TREE
        src=$T/with:colon
        mkdir "$src" && echo colon >"$src/file"
        sc run --bind="$T/with\\:colon:/mnt/a\\:b" "$tree" /bin/cat /mnt/a:b/file
        expect_rc 0
        expect_eq "$(cat "$T/out")" colon "file read through --bind with \\: in both paths"
}
register t_bind_colon_escape "--bind with \\: in the source and target paths"

t_bind_ro() {
        local tree src before
        new_tree bind-ro
        tree=$NEW_TREE
        src=$T/bind-src
        mkdir "$src" && echo hello >"$src/hello"
        before=$(dir_fingerprint "$src")

        in_tree "$tree" --bind-ro="$src:/mnt/data" -- write-file /mnt/data/hello overwritten
        expect_eq "$(kv write)" EROFS "overwriting a file through --bind-ro"
        expect_rc 1
        in_tree "$tree" --bind-ro="$src:/mnt/data" -- write-file /mnt/data/new
        expect_eq "$(kv write)" EROFS "creating a file through --bind-ro"
        sc run --bind-ro="$src:/mnt/data" "$tree" /bin/cat /mnt/data/hello
        expect_rc 0
        expect_eq "$(cat "$T/out")" hello "file read through --bind-ro"

        expect_eq "$(dir_fingerprint "$src")" "$before" "fingerprint of the --bind-ro source"
        expect_eq "$(mounts_mentioning "$src")" "" "host mounts naming the bind source after the run"
}
register t_bind_ro "--bind-ro: reads work, writes fail with EROFS, source unchanged"

t_tmpfs() {
        local tree line
        new_tree tmpfs
        tree=$NEW_TREE
        observe "$tree" --tmpfs=/scratch -- mounts
        line=$(grep '^path=/scratch ' "$T/out")
        expect_match "$line" 'fstype=tmpfs' "mount on /scratch"
        observe "$tree" --tmpfs=/scratch -- write-file /scratch/file
        expect_eq "$(kv write)" ok "writing to the --tmpfs"
        expect_eq "$(ls -A "$tree/scratch" 2>&1)" "" "what the tmpfs left in the tree's /scratch"

        observe "$tree" --tmpfs=/scratch:mode=0700,size=1m -- mounts
        line=$(grep '^path=/scratch ' "$T/out")
        expect_match "$line" 'sopts=.*size=1024k' "size of --tmpfs=/scratch:mode=0700,size=1m"
        expect_match "$line" 'sopts=.*mode=700' "mode of --tmpfs=/scratch:mode=0700,size=1m"
        expect_eq "$(mounts_mentioning "$tree")" "" "host mounts naming the tree after the run"
}
register t_tmpfs "--tmpfs=PATH[:OPTS] mounts a tmpfs with those options, leaving the tree empty"

t_read_only() {
        local tree before
        new_tree read-only
        tree=$NEW_TREE
        before=$(dir_fingerprint "$tree")
        observe "$tree" --read-only -- statvfs /
        expect_eq "$(kv rdonly)" 1 "/ read-only with --read-only"
        in_tree "$tree" --read-only -- write-file /etc/new
        expect_eq "$(kv write)" EROFS "creating /etc/new with --read-only"
        in_tree "$tree" --read-only -- write-file /etc/passwd
        expect_eq "$(kv write)" EROFS "overwriting /etc/passwd with --read-only"
        observe "$tree" --read-only -- write-file /tmp/file
        expect_eq "$(kv write)" ok "writing to /tmp with --read-only"
        observe "$tree" --read-only -- write-file /run/file
        expect_eq "$(kv write)" ok "writing to /run with --read-only"
        expect_eq "$(dir_fingerprint "$tree")" "$before" "fingerprint of the tree"

        # And without --read-only the tree is writable (so the test above can fail).
        observe "$tree" -- statvfs /
        expect_eq "$(kv rdonly)" 0 "/ read-only without --read-only"
}
register t_read_only "--read-only: the tree is read-only, /tmp and /run stay writable"
