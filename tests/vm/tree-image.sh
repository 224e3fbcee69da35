#!/usr/bin/env bash
# Prints the path of an ext4 image of TREE (a test tree cached by tests/fixtures/*-tree.sh),
# building it first if the cache has none:
#   tree-image.sh TREE
# The VM mounts the image where the tree lives on the host, so the fixture script finds it there
# under the same name without a network; QEMU opens it as a snapshot, so tests may write into the
# tree while the cached image stays pristine. The key is the tree's directory name (a key of the
# tree's own inputs) and this script. Needs root (to read every file of the tree); no loop device,
# no mount.
set -euo pipefail

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
        echo "usage: tests/vm/tree-image.sh TREE" >&2
        exit 2
fi
tree=$(cd "$1" && pwd)
name=$(basename "$tree")
cache=${SYSCON_CACHE_DIR:-/var/cache/syscon}/vm
key=$({ echo "$name"; cat "$0"; } | sha256sum | cut -c1-16)
image=$cache/tree-$name-$key.img

if [ ! -e "$image" ]; then
        mkdir -p "$cache"
        exec 9>"$cache/.tree-lock"
        flock 9
fi
if [ ! -e "$image" ]; then
        tmp=$(mktemp "$cache/.tree-XXXXXX")
        trap 'rm -f "$tmp"' EXIT
        # Room for what tests write into the tree (on the snapshot) on top of the tree itself.
        size_mib=$(($(du -sm "$tree" | cut -f1) * 3 / 2 + 256))
        truncate -s "${size_mib}M" "$tmp"
        # mkfs -d keeps owners, modes, hard links, device nodes and xattrs.
        mkfs.ext4 -q -F -d "$tree" "$tmp"
        # The tree must look as it does on the host: no lost+found at its top.
        debugfs -w -R "rmdir /lost+found" "$tmp" >/dev/null 2>&1
        mv "$tmp" "$image"
        # Images of trees that are gone, and of this tree by an older script (a rebuild takes seconds).
        for old in "$cache"/tree-*.img; do
                old_name=${old#"$cache"/tree-}
                old_name=${old_name%-*.img}
                if [ ! -d "$(dirname "$tree")/$old_name" ] || { [ "$old_name" = "$name" ] && [ "$old" != "$image" ]; }; then
                        rm -f "$old"
                fi
        done
fi
echo "$image"
