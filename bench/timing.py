# SPDX-License-Identifier: LGPL-2.1-or-later
"""Wall-clock timing of a figure's commands with hyperfine, all commands in one interleaved run.

hyperfine runs one command's runs back to back, so a change in machine load during a figure would
land on one command only. The figure is therefore measured in rounds: every round is one hyperfine
invocation with all of the figure's commands (in alternating order), and the times of all rounds
are pooled. Slow drifts of the machine's load then hit every command alike and cancel in the
ratios."""

import json
import os
import shlex
import statistics
import subprocess

from failure import Failure, first_error_line


class Command:
    """One measured command of a figure. `failure` is set when it cannot be measured."""

    def __init__(self, key, label, argv, peer=None, base=None, cpu_counted=True):
        self.key = key          # short identifier, also hyperfine's name for it
        self.label = label      # what the table shows
        self.argv = argv
        self.peer = peer        # key of the command it is compared with (the nspawn equivalent)
        self.base = base        # key of the same tool without the option this row adds
        # False when the command does not wait for the processes it starts, so that their CPU
        # time is not in its rusage (bwrap leaves its sandbox's PID 1 to be reaped elsewhere).
        self.cpu_counted = cpu_counted
        self.failure = None
        self.output = ("", "")  # of the probe
        self.times = []
        self.cpu = []           # per round: mean user + system time of the command's process tree

    @property
    def ok(self):
        return self.failure is None and len(self.times) > 0

    def stats(self):
        return {"median": statistics.median(self.times), "min": min(self.times),
                "max": max(self.times), "n": len(self.times), "cpu": statistics.mean(self.cpu)}


def _failed(cmd, reason, out, err):
    cmd.output = (out.decode(errors="replace"), err.decode(errors="replace"))
    cmd.failure = Failure(reason, first_error_line(*cmd.output))


def probe(cmd, timeout, log_dir):
    """Runs the command once outside of hyperfine, so that a command that does not work (an option
    the syscon under test does not have yet, a guest that hangs) is reported with its own message
    instead of aborting the figure. Doubles as a warm-up of the page cache."""
    log = os.path.join(log_dir, f"probe-{cmd.key}.log")
    try:
        p = subprocess.run(cmd.argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out, err = e.stdout or b"", e.stderr or b""
        _write_log(log, cmd.argv, "timeout", out, err)
        _failed(cmd, f"no exit within {timeout} s", out, err)
        return False
    except OSError as e:
        cmd.failure = Failure(f"cannot execute {cmd.argv[0]}: {e.strerror}")
        return False
    _write_log(log, cmd.argv, p.returncode, p.stdout, p.stderr)
    if p.returncode != 0:
        _failed(cmd, f"exit status {p.returncode}", p.stdout, p.stderr)
        return False
    cmd.output = (p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"))
    return True


def _explain_against_base(commands):
    """A failed variant's guest prints what its working base prints too; name what is new."""
    by_key = {c.key: c for c in commands}
    for c in commands:
        base = by_key.get(c.base)
        if c.failure and base is not None and base.failure is None:
            c.failure.detail = first_error_line(*c.output, known=base.output[0])


def _write_log(path, argv, status, out, err):
    with open(path, "wb") as f:
        f.write(f"$ {shlex.join(argv)}\nstatus: {status}\n--- stdout\n".encode())
        f.write(out)
        f.write(b"\n--- stderr\n")
        f.write(err)


def measure(commands, rounds, runs, warmup, probe_timeout, log_dir):
    """Fills in `times` (seconds) of every command that works, `failure` of the others."""
    live = [c for c in commands if probe(c, probe_timeout, log_dir)]
    _explain_against_base(commands)
    if not live:
        return
    for r in range(rounds):
        order = live if r % 2 == 0 else live[::-1]
        export = os.path.join(log_dir, f"hyperfine-{live[0].key}-round{r}.json")
        args = ["hyperfine", "--shell=none", "--ignore-failure", "--style=none",
                f"--runs={runs}", f"--warmup={warmup}", f"--export-json={export}"]
        for c in order:
            args += ["--command-name", c.key, shlex.join(c.argv)]
        with open(os.path.join(log_dir, f"hyperfine-{live[0].key}-round{r}.log"), "wb") as log:
            subprocess.run(args, check=True, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        with open(export) as f:
            results = {res["command"]: res for res in json.load(f)["results"]}
        for c in order:
            res = results[c.key]
            c.times += res["times"]
            c.cpu.append(res["user"] + res["system"])
            bad = [code for code in res["exit_codes"] if code != 0]
            if bad and not c.failure:
                c.failure = Failure(f"exit status {bad[0]} in {len(bad)} of {len(res['times'])} "
                                    f"runs of round {r + 1} (the probe had succeeded)")
