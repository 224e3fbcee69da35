# SPDX-License-Identifier: LGPL-2.1-or-later
"""Measures syscon against systemd-nspawn, bubblewrap and the unshare floor; called by bench/run.sh
(which installs, builds and provides the tree) inside a private mount and network namespace."""

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile

import figures
import guest
import host
import report
import targets
from failure import Failure

# (rounds, runs per command and round, warm-up runs). Short rounds: the machine's load drifts within
# seconds, and 20 runs of one command back to back (a second of nspawn) took it for that command alone.
FULL = {"run": (20, 5, 2), "boot": (5, 2, 1), "rss_repeat": 5, "density": (10, 25, 50),
        "boot_timeout": 60, "density_timeout": 600}
QUICK = {"run": (2, 3, 1), "boot": (1, 2, 1), "rss_repeat": 1, "density": (10,),
         "boot_timeout": 60, "density_timeout": 300}
FIGURES = {"run": figures.run_true, "tree_size": figures.tree_size, "rss": figures.rss,
           "boot": figures.boot, "density": figures.density_figure}


def _du(path):
    out = subprocess.run(["du", "-s", "--block-size=1", path], capture_output=True, text=True,
                         check=True).stdout
    return int(out.split()[0])


def _copy(src, dst):
    subprocess.run(["cp", "-a", "--reflink=auto", src, dst], check=True)


class Context:
    def __init__(self, args, cache):
        self.syscon, self.tree, self.src = args.syscon, os.path.realpath(args.tree), args.src
        self.settings = dict(QUICK if args.quick else FULL)
        if args.density:
            self.settings["density"] = tuple(int(n) for n in args.density.split(","))
        self.cache = cache
        self.workdir = tempfile.mkdtemp(prefix="work-", dir=cache)
        self.log_dir = args.log_dir
        self.cgroup = None
        self.boot_tree_path = os.path.join(self.workdir, "boot-tree")
        self.big_tree_path = os.path.join(cache, os.path.basename(self.tree) + "-x10")
        self.big_tree_size = ""

    def boot_tree(self):
        """A copy of the tree (not an overlay: an overlay cannot be ID-mapped for -U) that
        powers off once booted. Fresh for every benchmark run, shared by its boot figures."""
        if not os.path.isdir(self.boot_tree_path):
            _copy(self.tree, self.boot_tree_path)
            guest.install_unit(self.boot_tree_path, "syscon-bench-poweroff.service",
                               guest.POWEROFF_UNIT)
        return self.boot_tree_path

    def big_tree(self):
        """TREE plus nine copies of it under /var/lib/syscon-bench-filler: ten times the files
        and bytes, owned as in the tree. Cached next to the benchmark's work directory."""
        done = self.big_tree_path + ".done"
        size = _du(self.tree)
        if not os.path.exists(done):
            need = 10 * size
            free = shutil.disk_usage(self.cache).free
            if free < 2 * need:
                return Failure(f"TREE10 needs {need / 2**30:.1f} GiB, and {self.cache} has only "
                               f"{free / 2**30:.1f} GiB free (want twice that)")
            for old in os.listdir(self.cache):   # of an earlier version of the tree
                if old.endswith(("-x10", "-x10.tmp", "-x10.done")):
                    host.remove_tree(os.path.join(self.cache, old))
            tmp = self.big_tree_path + ".tmp"
            print(f"bench: building TREE10 ({need / 2**30:.1f} GiB) in {self.big_tree_path}",
                  file=sys.stderr)
            _copy(self.tree, tmp)
            filler = os.path.join(tmp, "var/lib/syscon-bench-filler")
            os.makedirs(filler)
            for i in range(1, 10):
                _copy(self.tree, os.path.join(filler, str(i)))
            host.remove_tree(self.big_tree_path)
            os.rename(tmp, self.big_tree_path)
            open(done, "w").close()
        self.big_tree_size = (f"{_du(self.big_tree_path) / 2**30:.1f} GiB against "
                              f"{size / 2**20:.0f} MiB")
        return self.big_tree_path

    def syscon_has_option(self, verb, option):
        out = subprocess.run([self.syscon, "help", verb], capture_output=True, text=True)
        return option in out.stdout


def _isolate():
    """The launchers run with a tmpfs on /run (nspawn needs a writable /run/systemd without a host
    systemd, and nothing of theirs leaks into the host's /run) and in a network namespace of their
    own (veths come and go without disturbing the host)."""
    if os.stat("/proc/self/ns/mnt").st_ino == os.stat(f"/proc/{os.getppid()}/ns/mnt").st_ino:
        sys.exit("bench.py: run bench/run.sh; it enters a private mount namespace first.")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/run"], check=True)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)


def _parse():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--syscon", required=True)
    p.add_argument("--tree", required=True)
    p.add_argument("--src", required=True)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--output")
    p.add_argument("--only", help="comma-separated figures: " + ",".join(FIGURES))
    p.add_argument("--density", help="comma-separated container counts for the density figure")
    p.add_argument("--log-dir", required=True)
    args = p.parse_args()
    if not args.output:
        args.output = (os.path.join(tempfile.gettempdir(), "syscon-bench-quick.md") if args.quick
                       else os.path.join(args.src, "bench", "RESULTS.md"))
    args.only = args.only.split(",") if args.only else list(FIGURES)
    unknown = set(args.only) - set(FIGURES)
    if unknown:
        p.error(f"unknown figure {', '.join(sorted(unknown))}; choose from {', '.join(FIGURES)}")
    return args


def main():
    args = _parse()
    _isolate()
    cache = os.path.join(os.environ.get("SYSCON_CACHE_DIR", "/var/cache/syscon"), "bench")
    os.makedirs(cache, exist_ok=True)
    ctx = Context(args, cache)
    results = {"quick": args.quick, "machine": host.describe(args.src, args.syscon),
               "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
               "tree_size": f"{_du(ctx.tree) / 2**20:.0f} MiB", "sections": []}
    figs = {}
    ctx.cgroup = host.BenchCgroup()
    ctx.cgroup.enter()
    try:
        for name in args.only:
            print(f"bench: measuring {name}", file=sys.stderr)
            section, values = FIGURES[name](ctx)
            results["sections"].append(section)
            figs[name] = values
    finally:
        host.remove_tree(ctx.workdir)
        for left in ctx.cgroup.remove():
            print(f"bench: could not remove cgroup {left}", file=sys.stderr)
    results["targets"] = targets.check(figs)
    text = report.render(results)
    with open(args.output, "w") as f:
        f.write(text)
    print(text)
    print(f"bench: results in {args.output}, logs in {args.log_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
