# SPDX-License-Identifier: LGPL-2.1-or-later
"""The targets of issue #7, checked against the figures of one run."""

import statistics

from report import format_time


def _median(cmd):
    return cmd.stats()["median"] if cmd is not None and cmd.ok else None


def _failed(*cmds):
    for c in cmds:
        if c is not None and c.failure:
            return f"{c.label}: {c.failure}"
    return "not measured"


def _ratio_target(name, a, b, limit):
    ma, mb = _median(a), _median(b)
    if ma is None or mb is None:
        return {"target": name, "measured": _failed(a, b), "met": None}
    ratio = ma / mb
    cpu = ""
    if a.cpu_counted and b.cpu_counted:
        cpu = f"; CPU time {a.stats()['cpu'] / b.stats()['cpu']:.2f}x"
    return {"target": name, "met": ratio <= limit,
            "measured": f"{ratio:.2f}x ({a.label} {format_time(ma)}, {b.label} {format_time(mb)}{cpu})"}


def _rss_target(name, rows, keys, limit_kb):
    parts, met = [], True
    for key in keys:
        r = rows.get(key)
        if r is None or r["failure"] or not r["values"]:
            return {"target": name, "met": None,
                    "measured": f"{r['label']}: {r['failure']}" if r else "not measured"}
        kb = statistics.median(r["values"])
        parts.append(f"{r['label']}: {kb:.0f} KB")
        met = met and kb <= limit_kb
    return {"target": name, "met": met, "measured": "; ".join(parts)}


def check(figs):
    run, size = figs.get("run", {}), figs.get("tree_size", {})
    boot, rss = figs.get("boot", {}), figs.get("rss", {})
    out = [
        _ratio_target("`run /bin/true` with a user namespace <= 0.15x nspawn",
                      run.get("syscon-U"), run.get("nspawn"), 0.15),
        _ratio_target("`run /bin/true` with a user namespace <= 1.5x the floor",
                      run.get("syscon-U"), run.get("floor"), 1.5),
        _ratio_target("`run /bin/true`, default options, <= 0.15x nspawn",
                      run.get("syscon"), run.get("nspawn"), 0.15),
        _ratio_target("`run /bin/true`, default options, <= 1.5x the floor",
                      run.get("syscon"), run.get("floor"), 1.5),
    ]
    veth, plain = _median(run.get("syscon-veth")), _median(run.get("syscon"))
    if veth is None or plain is None:
        out.append({"target": "`--network-veth` adds <= 2 ms", "met": None,
                    "measured": _failed(run.get("syscon-veth"), run.get("syscon"))})
    else:
        nveth, nplain = _median(run.get("nspawn-veth")), _median(run.get("nspawn"))
        nspawn = f"; nspawn: {(nveth - nplain) * 1000:+.1f} ms" if nveth and nplain else ""
        out.append({"target": "`--network-veth` adds <= 2 ms", "met": veth - plain <= 0.002,
                    "measured": f"{(veth - plain) * 1000:+.1f} ms{nspawn}"})
    out.append(_ratio_target("boot to poweroff <= 0.9x nspawn",
                             boot.get("syscon-boot"), boot.get("nspawn-boot"), 0.9))
    b = boot.get("syscon-boot-U")
    out.append({"target": "boot with user namespaces works",
                "met": None if b is None else b.ok,
                "measured": "not measured" if b is None else
                (f"boots and powers off in {format_time(_median(b))}" if b.ok else str(b.failure))})
    out.append(_rss_target("supervisor peak RSS <= 2 MB", rss, ["syscon-run", "syscon-boot"], 2048))
    out.append(_rss_target("syscon-init peak RSS <= 300 KB", rss, ["syscon-init"], 300))
    out.append(_ratio_target("with user namespaces, 10x tree within 10% of the 1x tree",
                             size.get("syscon-U-10x"), size.get("syscon-U-1x"), 1.10))
    return out
