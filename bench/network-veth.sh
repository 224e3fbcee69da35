#!/usr/bin/env bash
# What a veth link costs at start: `syscon run TREE /bin/true` without and with -n, next to
# systemd-nspawn without and with --network-veth (run as bench/ANCHORS describe it: private mount
# namespace, tmpfs on /run, no registration), all in one hyperfine run, since on a shared machine
# only ratios taken together mean something. Runs on a private copy of TREE, which nspawn may write
# to. Needs root, hyperfine and systemd-nspawn (bench/install-deps.sh).
#
#   bench/network-veth.sh SYSCON TREE [RUNS]      e.g. build/src/syscon /var/cache/syscon/trees/debian-...
set -euo pipefail

syscon=$(realpath "$1")
tree=$2
runs=${3:-100}
work=$(mktemp -d /tmp/syscon-bench-veth-XXXXXX)
trap 'rm -rf --one-file-system "$work"' EXIT
cp -a "$tree" "$work/tree"

nspawn() { # EXTRA-OPTIONS
        echo "unshare -m --propagation private sh -c 'mount -t tmpfs tmpfs /run && exec systemd-nspawn" \
                "-q --register=no --keep-unit -M scbench $1 -D $work/tree /bin/true'"
}

hyperfine --warmup 5 --runs "$runs" --export-markdown "$work/results.md" \
        -n "syscon run" "$syscon run -q -M scbench $work/tree /bin/true" \
        -n "syscon run -n" "$syscon run -q -M scbench -n $work/tree /bin/true" \
        -n "systemd-nspawn" "$(nspawn '')" \
        -n "systemd-nspawn --network-veth" "$(nspawn --network-veth)"
cat "$work/results.md"
