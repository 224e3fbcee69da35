# SPDX-License-Identifier: LGPL-2.1-or-later
"""bench/RESULTS.md: the machine, every figure as a Markdown table, and the targets of issue #7."""

import shlex

from failure import Failure


def format_time(s):
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def _range(st):
    return f"{format_time(st['min'])} – {format_time(st['max'])}"


def _ratio(a, b):
    if a is None or b is None or not a.ok or not b.ok:
        return ""
    return f"{a.stats()['median'] / b.stats()['median']:.2f}x"


def _cell(text):
    return str(text).replace("|", "\\|")


def _table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(out) + "\n"


def commands_list(cmds, names):
    lines = []
    for c in cmds:
        cmdline = shlex.join(c.argv)
        for path, name in names:
            cmdline = cmdline.replace(path, name)
        lines.append(f"- {c.label}: `{cmdline}`")
    return "\n".join(lines) + "\n"


def timing_table(cmds, with_floor):
    by_key = {c.key: c for c in cmds}
    header = ["command", "median", "min – max", "runs", "CPU", "vs nspawn"]
    if with_floor:
        header += ["vs floor", "the option adds"]
    rows = []
    for c in cmds:
        if not c.ok:
            rows.append([c.label, str(c.failure or "failed: not measured")] + [""] * (len(header) - 2))
            continue
        st = c.stats()
        cpu = format_time(st["cpu"]) if c.cpu_counted else "n/a"
        row = [c.label, format_time(st["median"]), _range(st), str(st["n"]), cpu,
               _ratio(c, by_key.get(c.peer)) if c.peer != c.key else "1"]
        if with_floor:
            base = by_key.get(c.base)
            adds = ""
            if base is not None and base.ok:
                adds = f"{(st['median'] - base.stats()['median']) * 1000:+.1f} ms"
            row += [_ratio(c, by_key.get("floor")), adds]
        rows.append(row)
    return _table(header, rows)


def size_table(cmds):
    by_key = {c.key: c for c in cmds}
    rows = []
    for c in cmds:
        if not c.ok:
            rows.append([c.label, str(c.failure or "failed: not measured"), "", "", "", ""])
            continue
        st = c.stats()
        rows.append([c.label, format_time(st["median"]), _range(st), str(st["n"]), format_time(st["cpu"]),
                     _ratio(c, by_key.get(c.base)) if c.base else "1"])
    return _table(["command", "median", "min – max", "runs", "CPU", "vs 1x tree"], rows)


def _kb(kb):
    return f"{kb / 1024:.1f} MB" if kb >= 1024 else f"{kb:.0f} KB"


def rss_table(rows):
    out = []
    for r in rows:
        if r["failure"]:
            out.append([r["label"], str(r["failure"]), "", ""])
        else:
            v = sorted(r["values"])
            out.append([r["label"], _kb(v[len(v) // 2]), f"{_kb(v[0])} – {_kb(v[-1])}", str(len(v))])
    return _table(["process", "median peak RSS (VmHWM)", "min – max", "runs"], out)


def density_table(rows):
    out = []
    for r in rows:
        verdicts = ", ".join(f"{k}: {v}" for k, v in sorted(r.get("verdicts", {}).items()))
        if r.get("killed"):
            shutdown = f"{r['killed']} killed after 120 s"
        else:
            shutdown = format_time(r["shutdown"]) if r.get("launchers_up") else ""
        if r.get("time_all") is None:
            first = (r["failure"] or Failure("not measured")).with_reason()
            out.append([r["label"], str(r["n"]), first, "", "", verdicts, shutdown])
            continue
        note = f" ({r['failure'].with_reason()})" if r["failure"] else ""
        out.append([r["label"], str(r["n"]), format_time(r["time_all"]) + note,
                    _kb(r["mem_per_kb"]), _kb(r["pss_per_kb"]), verdicts, shutdown])
    return _table(["launcher", "N", "all finished booting after", "MemAvailable drop / container",
                   "Pss / container", "systemd's verdicts", "SIGTERM to all exited"], out)


def targets_table(targets):
    rows = []
    for t in targets:
        met = "" if t["met"] is None else ("met" if t["met"] else "**missed**")
        rows.append([t["target"], t["measured"], met])
    return _table(["target (issue #7)", "measured", "result"], rows)


def render(results):
    mode = " --quick" if results["quick"] else ""
    md = ["# syscon benchmark results\n",
          f"Written by `bench/run.sh{mode}` on {results['date']}. Times are medians of interleaved "
          "hyperfine rounds pooled together (see bench/timing.py), and ratios are taken between "
          "figures of this one run. CPU is the mean user + system time of the command and of "
          "everything it waited for, which other load on the machine disturbs less than wall "
          "time. `TREE` is the Debian bookworm tree of tests/fixtures/debian-tree.sh "
          f"({results['tree_size']}); `BOOT` is a copy of it with a unit that powers off once "
          "multi-user.target is reached.\n",
          "## Machine\n",
          "\n".join(f"- {k}: {v}" for k, v in results["machine"].items()) + "\n",
          "## Targets\n", targets_table(results["targets"])]
    md += results["sections"]
    return "\n".join(md)
