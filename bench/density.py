# SPDX-License-Identifier: LGPL-2.1-or-later
"""Density: N containers booted at once from the same Debian tree.

Each container gets an overlay of the cached tree (its writes land in an upper directory of its
own, the tree's files and their page cache are shared, as with nspawn --ephemeral or LXC
overlays) with a unit that writes systemd's verdict (`systemctl is-system-running --wait`) into a
file once the boot has finished. The harness starts all N launchers, polls the upper directories
for that file, and reports the time until the last container finished booting. Memory per
container is measured twice, once the last one is up: the drop of the host's MemAvailable since
just before the start (everything: processes, page tables, kernel objects, less reclaimable cache;
also whatever else the machine did meanwhile), and the summed proportional set size (Pss) of every
launcher and all its descendants (user-space memory only, shared pages divided among sharers)."""

import collections
import os
import signal
import subprocess
import time

import guest
import host
from failure import Failure, first_error_line


class Launcher:
    """argv(i, root) gives the command that boots the tree at ROOT as container number I.
    own_cgroup: start it in a cgroup of its own (nspawn --keep-unit uses the cgroup it is in, and
    two guests' systemd in one cgroup would manage the same subtree)."""

    def __init__(self, key, label, argv, own_cgroup):
        self.key, self.label, self.argv, self.own_cgroup = key, label, argv, own_cgroup


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def _start(launcher, n, dirs, cg, log_dir):
    procs = []
    for i in range(n):
        procs_files = cg.child_procs_files(f"density-{launcher.key}-{i}") if launcher.own_cgroup else []
        with open(os.path.join(log_dir, f"density-{launcher.key}-{n}-{i}.log"), "wb") as log:
            procs.append(subprocess.Popen(launcher.argv(i, os.path.join(dirs[i], "root")),
                                          stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                          preexec_fn=lambda f=procs_files: host.join_cgroups(f)))
    return procs


def _wait_ready(procs, dirs, t0, timeout):
    """Returns {container: (seconds since t0, verdict)} and the containers whose launcher died."""
    ready, dead = {}, set()
    while len(ready) + len(dead) < len(procs) and time.monotonic() - t0 < timeout:
        for i, p in enumerate(procs):
            if i in ready or i in dead:
                continue
            verdict = _read(os.path.join(dirs[i], "upper", guest.READY_FILE)).strip()
            if verdict:
                ready[i] = (time.monotonic() - t0, verdict)
            elif p.poll() is not None:
                dead.add(i)
        time.sleep(0.1)
    return ready, dead


def _shutdown(procs, grace):
    """SIGTERM asks every launcher for a clean shutdown of its guest; what is left after GRACE
    seconds is killed, launcher and container alike (all of them started by this benchmark)."""
    t0 = time.monotonic()
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    while any(p.poll() is None for p in procs) and time.monotonic() - t0 < grace:
        time.sleep(0.1)
    elapsed = time.monotonic() - t0
    alive = [p.pid for p in procs if p.poll() is None]
    for pid in host.descendants(alive):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for p in procs:
        p.wait()
    return None if alive else elapsed, len(alive)


def measure(launcher, n, tree, workdir, cg, log_dir, timeout):
    base = os.path.join(workdir, f"density-{launcher.key}-{n}")
    dirs = [os.path.join(base, str(i)) for i in range(n)]
    procs = []
    result = {"n": n, "failure": None}
    try:
        for d in dirs:
            root = os.path.join(d, "root")
            host.mount_overlay(tree, os.path.join(d, "upper"), os.path.join(d, "work"), root)
            guest.install_unit(root, "syscon-bench-ready.service", guest.READY_UNIT)
        before = host.mem_available_kb()
        t0 = time.monotonic()
        procs = _start(launcher, n, dirs, cg, log_dir)
        ready, dead = _wait_ready(procs, dirs, t0, timeout)
        alive = [p.pid for p in procs if p.poll() is None]
        result.update(
            launchers_up=len(alive),
            ready=len(ready),
            time_all=max(t for t, _ in ready.values()) if len(ready) == n else None,
            mem_per_kb=(before - host.mem_available_kb()) / n,
            pss_per_kb=host.pss_kb(host.descendants(alive)) / n,
            verdicts=dict(collections.Counter(v for _, v in ready.values())))
        if dead:
            def log(i):
                return _read(os.path.join(log_dir, f"density-{launcher.key}-{n}-{i}.log"))
            known = log(min(ready)) if ready else ""
            result["failure"] = Failure(f"{len(dead)} of {n} launchers exited before the guest "
                                        "finished booting", first_error_line(log(min(dead)), "", known))
        elif len(ready) < n:
            result["failure"] = Failure(f"{len(ready)} of {n} finished booting within {timeout} s")
    finally:
        result["shutdown"], result["killed"] = _shutdown(procs, grace=120)
        for d in dirs:
            host.umount(os.path.join(d, "root"))
        host.remove_tree(base)
    return result
