#!/usr/bin/env bash
# What a veth link costs at start: `syscon run TREE /bin/true` without and with -n, next to
# systemd-nspawn without and with --network-veth (run the way it works on a host without systemd:
# private mount namespace, tmpfs on /run, no registration), all in one hyperfine run, since on a
# shared machine only figures taken together compare. Prints medians and what -n adds to each. Runs
# on a private copy of TREE, which nspawn may write to; without a shell between hyperfine and the
# commands (-N), whose start would be noise at this scale. Needs root, hyperfine, systemd-nspawn
# (Debian: systemd-container) and python3.
#
#   bench/network-veth.sh SYSCON TREE [RUNS]    e.g. build/src/syscon /var/cache/syscon/trees/debian-...
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

hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/results.json" --style basic \
        -n "syscon run" "$syscon run -q -M scbench $work/tree /bin/true" \
        -n "syscon run -n" "$syscon run -q -M scbench -n $work/tree /bin/true" \
        -n "systemd-nspawn" "$(nspawn '')" \
        -n "systemd-nspawn --network-veth" "$(nspawn --network-veth)" >&2

python3 - "$work/results.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
ms = lambda name, key: r[name][key] * 1000
print("| command | median [ms] | min [ms] | -n / --network-veth adds (median) |")
print("|:---|---:|---:|---:|")
for base, veth in (("syscon run", "syscon run -n"), ("systemd-nspawn", "systemd-nspawn --network-veth")):
    print(f"| `{base}` | {ms(base, 'median'):.1f} | {ms(base, 'min'):.1f} | |")
    print(f"| `{veth}` | {ms(veth, 'median'):.1f} | {ms(veth, 'min'):.1f} | "
          f"{ms(veth, 'median') - ms(base, 'median'):+.1f} ms |")
PY
