# SPDX-License-Identifier: LGPL-2.1-or-later
"""The host side of a benchmark run: a cgroup of its own, overlay mounts, memory and process
accounting, and the description of the machine that goes into the results."""

import contextlib
import os
import platform
import re
import subprocess


def _mounts():
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, right = line.split(" - ")
            fields, (fstype, _, superopts) = left.split(), right.split()
            yield fields[4], fstype, superopts.split(",")


def cgroup_mode():
    fstypes = {mp: fstype for mp, fstype, _ in _mounts()}
    if fstypes.get("/sys/fs/cgroup") == "cgroup2":
        return "unified (cgroup v2)"
    if fstypes.get("/sys/fs/cgroup/unified") == "cgroup2":
        return "hybrid (v1 controllers, cgroup2 at /sys/fs/cgroup/unified)"
    return "legacy (cgroup v1)"


class BenchCgroup:
    """A cgroup below the one the benchmark starts in, in the hierarchies systemd-nspawn uses
    (cgroup2 and v1 name=systemd), that the benchmark moves itself into. nspawn --keep-unit splits
    the cgroup it finds into "supervisor" and "payload" and leaves them behind; here they land
    below this cgroup, and remove() takes the whole subtree away at the end. Controllers bound to
    v1 hierarchies (memory, pids, ...) are left as they are."""

    def __init__(self):
        self.dirs = []       # (original cgroup dir, bench cgroup dir)
        mountpoints = {}
        for mp, fstype, opts in _mounts():
            if fstype == "cgroup2":
                mountpoints.setdefault("", mp)
            elif fstype == "cgroup" and "name=systemd" in opts:
                mountpoints.setdefault("name=systemd", mp)
        with open("/proc/self/cgroup") as f:
            for line in f:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                mp = mountpoints.get(controllers)
                if mp:
                    orig = os.path.normpath(mp + path)
                    self.dirs.append((orig, os.path.join(orig, f"syscon-bench-{os.getpid()}")))

    def enter(self):
        for _, bench in self.dirs:
            os.makedirs(bench, exist_ok=True)
            _write(os.path.join(bench, "cgroup.procs"), os.getpid())

    def child_procs_files(self, name):
        """Creates a child cgroup NAME and returns the cgroup.procs files a process writes its
        PID to, to join it."""
        files = []
        for _, bench in self.dirs:
            os.makedirs(os.path.join(bench, name), exist_ok=True)
            files.append(os.path.join(bench, name, "cgroup.procs"))
        return files

    def remove(self):
        left = []
        for orig, bench in self.dirs:
            _write(os.path.join(orig, "cgroup.procs"), os.getpid())
            if not os.path.isdir(bench):
                continue
            for top, _, _ in sorted(os.walk(bench), key=lambda w: -w[0].count("/")):
                try:
                    os.rmdir(top)
                except OSError as e:
                    left.append(f"{top}: {e.strerror}")
        return left


def _write(path, value):
    with open(path, "w") as f:
        f.write(f"{value}\n")


def join_cgroups(procs_files):
    """For preexec_fn: moves the calling (child) process into the given cgroups."""
    for p in procs_files:
        _write(p, os.getpid())


@contextlib.contextmanager
def sysctl_at_least(name, value):
    """Raises /proc/sys/NAME to VALUE for the duration of the block, then restores it."""
    path = os.path.join("/proc/sys", name)
    with open(path) as f:
        old = int(f.read())
    if old < value:
        _write(path, value)
    try:
        yield max(old, value)
    finally:
        if old < value:
            _write(path, old)


def mount_overlay(lower, upper, work, target):
    for d in (upper, work, target):
        os.makedirs(d, exist_ok=True)
    subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                    f"lowerdir={lower},upperdir={upper},workdir={work}", target], check=True)


def umount(target):
    subprocess.run(["umount", "--lazy", target], check=False, stderr=subprocess.DEVNULL)


def remove_tree(path):
    """rm -rf that never crosses into a mount below PATH (a container's overlay left mounted)."""
    subprocess.run(["rm", "-rf", "--one-file-system", path], check=False)


def mem_available_kb():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1])
    raise RuntimeError("no MemAvailable in /proc/meminfo")


def _ppid_map():
    ppid = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid[int(name)] = int(stat[stat.rindex(")") + 2:].split()[1])
    return ppid


def descendants(roots):
    """PIDs of ROOTS and of all their descendants."""
    children = {}
    for pid, parent in _ppid_map().items():
        children.setdefault(parent, []).append(pid)
    out, todo = [], list(roots)
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def pss_kb(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += sum(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except OSError:
            pass   # gone, or a kernel thread
    return total


def _first_line(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, check=False).stdout
        return out.splitlines()[0].strip() if out.strip() else "?"
    except OSError:
        return "not installed"


def _linkage(binary):
    headers = subprocess.run(["readelf", "-lW", binary], capture_output=True, text=True, check=False).stdout
    return "dynamically linked" if "INTERP" in headers else "static"


def describe(src, syscon):
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        m = re.search(r"^model name\s*:\s*(.*)$", f.read(), re.MULTILINE)
        if m:
            cpu = m.group(1)
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    commit = _first_line(["git", "-C", src, "rev-parse", "--short=12", "HEAD"])
    if subprocess.run(["git", "-C", src, "diff", "--quiet", "HEAD", "--", ".", ":!bench/RESULTS.md"],
                      check=False).returncode != 0:
        commit += " with uncommitted changes"
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    return {
        "CPU": f"{cpu}, {os.cpu_count()} logical CPUs",
        "memory": f"{mem_kb / 1048576:.1f} GiB",
        "kernel": f"Linux {platform.release()}",
        "cgroups": cgroup_mode(),
        "load average at start": load,
        "syscon": f"{_first_line([syscon, '--version'])}, commit {commit}, {_linkage(syscon)}",
        "systemd-nspawn": _first_line(["systemd-nspawn", "--version"]),
        "bubblewrap": _first_line(["bwrap", "--version"]),
        "hyperfine": _first_line(["hyperfine", "--version"]),
        "unshare": _first_line(["unshare", "--version"]),
    }
