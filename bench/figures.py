# SPDX-License-Identifier: LGPL-2.1-or-later
"""The figures of issue #7: what is run for each, and what it is compared with.

Every figure takes the run's context and returns its Markdown section and the values the targets
are checked against."""

import os

import density
import host
import peak_rss
import report
import timing
from failure import Failure, first_error_line
from timing import Command

NSPAWN = ["systemd-nspawn", "--quiet", "--register=no", "--keep-unit"]
# nspawn's -U: a picked range, the tree ID-mapped as syscon does it (never chowned: "auto" could
# rewrite the shared cached tree).
NSPAWN_USERNS = ["--private-users=pick", "--private-users-ownership=map"]
BWRAP = ["bwrap", "--unshare-all", "--die-with-parent"]
FLOOR = ["unshare", "-fUrpmuin", "--mount-proc", "/bin/true"]
INOTIFY_INSTANCES = 1024


def _syscon(ctx, verb, *args, machine="bench"):
    return [ctx.syscon, verb, "--quiet", f"--machine={machine}", *args]


# Its own machine name: a syscon container's host link (ve-bench) goes with its network namespace
# a moment after syscon exits, and nspawn refuses to start while a link of its name exists.
def _nspawn(*args, machine="bench-nspawn"):
    return NSPAWN + [f"--machine={machine}", *args]


def _timed(ctx, cmds, settings, probe_timeout):
    rounds, runs, warmup = settings
    timing.measure(cmds, rounds, runs, warmup, probe_timeout, ctx.log_dir)


def _names(ctx):
    return [(ctx.syscon, "syscon"), (ctx.boot_tree_path, "BOOT"), (ctx.big_tree_path, "TREE10"),
            (ctx.tree, "TREE")]


def run_true(ctx):
    t = ctx.tree
    cmds = [
        Command("syscon", "syscon run", _syscon(ctx, "run", t, "/bin/true"), peer="nspawn"),
        Command("nspawn", "systemd-nspawn", _nspawn("-D", t, "/bin/true"), peer="nspawn"),
        Command("bwrap", "bwrap", BWRAP + ["--bind", t, "/", "--proc", "/proc", "--dev", "/dev",
                                           "/bin/true"], peer="nspawn", cpu_counted=False),
        Command("floor", "floor: unshare", FLOOR, peer="nspawn"),
        Command("syscon-U", "syscon run -U", _syscon(ctx, "run", "-U", t, "/bin/true"),
                peer="nspawn-U", base="syscon"),
        Command("nspawn-U", "systemd-nspawn -U",
                _nspawn(*NSPAWN_USERNS, "-D", t, "/bin/true"), peer="nspawn-U", base="nspawn"),
        Command("syscon-pn", "syscon run --private-network",
                _syscon(ctx, "run", "--private-network", t, "/bin/true"),
                peer="nspawn-pn", base="syscon"),
        Command("nspawn-pn", "systemd-nspawn --private-network",
                _nspawn("--private-network", "-D", t, "/bin/true"), peer="nspawn-pn", base="nspawn"),
        Command("syscon-veth", "syscon run --network-veth",
                _syscon(ctx, "run", "--network-veth", t, "/bin/true"),
                peer="nspawn-veth", base="syscon"),
        Command("nspawn-veth", "systemd-nspawn --network-veth",
                _nspawn("--network-veth", "-D", t, "/bin/true"), peer="nspawn-veth", base="nspawn"),
    ]
    _timed(ctx, cmds, ctx.settings["run"], probe_timeout=30)
    section = ["## Start to exit of `run /bin/true`\n",
               "All rows in one interleaved measurement. The floor creates user, PID, mount, UTS, "
               "IPC and network namespaces and mounts /proc, without a tree. CPU is n/a for bwrap: "
               "it does not wait for its sandbox, so its rusage misses it. \"vs nspawn\" "
               "compares with nspawn given the same option; \"the option adds\" is the difference "
               "to the same tool without it. nspawn runs the command as PID 1, syscon under "
               "syscon-init.\n",
               report.timing_table(cmds, with_floor=True), report.commands_list(cmds, _names(ctx))]
    return "\n".join(section), {c.key: c for c in cmds}


def tree_size(ctx):
    big = ctx.big_tree()
    if isinstance(big, Failure):
        return f"## Start time and tree size\n\n{big}\n", {}
    cmds = [
        Command("syscon-U-1x", "syscon run -U, TREE", _syscon(ctx, "run", "-U", ctx.tree, "/bin/true")),
        Command("syscon-U-10x", "syscon run -U, TREE10",
                _syscon(ctx, "run", "-U", big, "/bin/true"), base="syscon-U-1x"),
        Command("nspawn-U-1x", "systemd-nspawn -U, TREE",
                _nspawn(*NSPAWN_USERNS, "-D", ctx.tree, "/bin/true")),
        Command("nspawn-U-10x", "systemd-nspawn -U, TREE10",
                _nspawn(*NSPAWN_USERNS, "-D", big, "/bin/true"), base="nspawn-U-1x"),
    ]
    _timed(ctx, cmds, ctx.settings["run"], probe_timeout=120)
    section = ["## Start time with user namespaces and tree size\n",
               f"`TREE10` is `TREE` plus nine copies of it as filler files ({ctx.big_tree_size}); "
               "with ID-mapped mounts nothing is chowned, so the start should not depend on it.\n",
               report.size_table(cmds), report.commands_list(cmds, _names(ctx))]
    return "\n".join(section), {c.key: c for c in cmds}


def _boot_cmd(ctx, argv):
    # A guest that never powers off must not hang the benchmark.
    return ["timeout", "--kill-after=10", str(ctx.settings["boot_timeout"])] + argv


def boot(ctx):
    bt = ctx.boot_tree()
    cmds = [
        Command("syscon-boot", "syscon boot", _boot_cmd(ctx, _syscon(ctx, "boot", bt)),
                peer="nspawn-boot"),
        Command("nspawn-boot", "systemd-nspawn -b", _boot_cmd(ctx, _nspawn("-b", "-D", bt)),
                peer="nspawn-boot"),
        Command("syscon-boot-U", "syscon boot -U", _boot_cmd(ctx, _syscon(ctx, "boot", "-U", bt)),
                peer="nspawn-boot-U", base="syscon-boot"),
        Command("nspawn-boot-U", "systemd-nspawn -U -b",
                _boot_cmd(ctx, _nspawn(*NSPAWN_USERNS, "-b", "-D", bt)),
                peer="nspawn-boot-U", base="nspawn-boot"),
    ]
    _timed(ctx, cmds, ctx.settings["boot"], probe_timeout=ctx.settings["boot_timeout"] + 20)
    section = ["## Boot to poweroff\n",
               "From the start of the launcher until it exits after the guest's poweroff. The "
               "commands run under `timeout`, the same for all.\n",
               report.timing_table(cmds, with_floor=False), report.commands_list(cmds, _names(ctx))]
    return "\n".join(section), {c.key: c for c in cmds}


def _rss_runs(ctx, key, argv, repeat, timeout):
    """Returns ([launcher kB], [[(exe, kB)] per run], failure)."""
    launcher, children = [], []
    for i in range(repeat):
        log = os.path.join(ctx.log_dir, f"rss-{key}-{i}.log")
        try:
            status, peaks = peak_rss.measure(argv, log, timeout)
        except OSError as e:
            return [], [], Failure(f"cannot run {argv[0]}: {e.strerror}")
        if status != 0:
            with open(log, errors="replace") as f:
                return [], [], Failure(f"exit status {status}", first_error_line(f.read(), ""))
        launcher.append(peaks["launcher"])
        children.append(peaks["children"])
    return launcher, children, None


def rss(ctx):
    repeat, timeout = ctx.settings["rss_repeat"], ctx.settings["boot_timeout"]
    t, bt = ctx.tree, ctx.boot_tree()
    rows = []
    sup, kids, fail = _rss_runs(ctx, "syscon-run", _syscon(ctx, "run", t, "/bin/true"), repeat, 30)
    rows.append({"key": "syscon-run", "label": "syscon supervisor, run /bin/true", "values": sup,
                 "failure": fail})
    init = [kb for run in kids for exe, kb in run if "syscon-init" in exe]
    rows.append({"key": "syscon-init", "label": "syscon-init, run /bin/true", "values": init,
                 "failure": fail or (None if init else Failure("no syscon-init process seen"))})
    for key, label, argv, tmo in (
            ("nspawn-run", "systemd-nspawn supervisor, run /bin/true",
             _nspawn("-D", t, "/bin/true"), 30),
            ("bwrap-run", "bwrap, run /bin/true",
             BWRAP + ["--bind", t, "/", "--proc", "/proc", "--dev", "/dev", "/bin/true"], 30),
            ("syscon-boot", "syscon supervisor, boot", _syscon(ctx, "boot", bt), timeout),
            ("nspawn-boot", "systemd-nspawn supervisor, boot", _nspawn("-b", "-D", bt), timeout)):
        sup, _, fail = _rss_runs(ctx, key, argv, repeat, tmo)
        rows.append({"key": key, "label": label, "values": sup, "failure": fail})
    section = ["## Peak memory\n",
               "VmHWM of each process, read when the kernel stops it at its exit under ptrace "
               "(PTRACE_O_TRACEEXIT; see bench/peak_rss.py for why not getrusage). For syscon the "
               "supervisor is the `syscon` process; syscon-init is its child, the container's "
               "PID 1.\n",
               report.rss_table(rows)]
    return "\n".join(section), {r["key"]: r for r in rows}


def density_figure(ctx):
    private_users_no = ["--private-users=no"] if ctx.syscon_has_option("boot", "--private-users") else []
    launchers = [
        density.Launcher("syscon", "syscon boot",
                         lambda i, root: _syscon(ctx, "boot", *private_users_no, root,
                                                 machine=f"bench-d{i}"), own_cgroup=False),
        density.Launcher("nspawn", "systemd-nspawn -b",
                         lambda i, root: _nspawn("-b", "-D", root, machine=f"bench-d{i}"),
                         own_cgroup=True),
    ]
    rows = []
    # Every guest systemd takes several inotify instances, all charged to host root; the
    # default limit of 128 stops the boots at about 20 containers.
    with host.sysctl_at_least("fs/inotify/max_user_instances", INOTIFY_INSTANCES):
        for n in ctx.settings["density"]:
            for launcher in launchers:
                r = density.measure(launcher, n, ctx.tree, ctx.workdir, ctx.cgroup, ctx.log_dir,
                                    timeout=ctx.settings["density_timeout"])
                r["label"], r["key"] = launcher.label, launcher.key
                rows.append(r)
    section = ["## Density: N containers booted at once\n",
               density.__doc__.split("\n\n", 1)[1].replace("\n", " ").strip() + " "
               "Without user namespaces: an overlay file system cannot be ID-mapped. nspawn "
               "instances each get a cgroup of their own (with --keep-unit they use the one they "
               "are in); syscon places its containers itself. fs.inotify.max_user_instances is "
               f"raised to {INOTIFY_INSTANCES} for this figure, and restored after it.\n",
               report.density_table(rows)]
    return "\n".join(section), {f"{r['key']}-{r['n']}": r for r in rows}
