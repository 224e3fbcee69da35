# SPDX-License-Identifier: LGPL-2.1-or-later
"""Units the benchmark installs into its copies of the Debian tree (never into the cached tree)."""

import os

# Ordered after multi-user.target and wanted by it: runs once the boot reached the default target.
POWEROFF_UNIT = """\
[Unit]
Description=Power off once multi-user.target is reached (syscon benchmark)
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/bin/systemctl --no-block poweroff
"""

# Type=simple, so that its own start job does not keep the system in "starting": the file appears
# when systemd reports the boot finished, and says whether it is "running" or "degraded".
READY_FILE = "var/lib/syscon-bench-ready"
READY_UNIT = f"""\
[Unit]
Description=Record that the boot has finished (syscon benchmark)
After=multi-user.target

[Service]
Type=simple
ExecStart=/bin/sh -c 'systemctl is-system-running --wait > /{READY_FILE}.tmp; mv /{READY_FILE}.tmp /{READY_FILE}'
"""


def install_unit(root, name, text):
    unit_dir = os.path.join(root, "etc/systemd/system")
    wants = os.path.join(unit_dir, "multi-user.target.wants")
    os.makedirs(wants, exist_ok=True)
    with open(os.path.join(unit_dir, name), "w") as f:
        f.write(text)
    link = os.path.join(wants, name)
    if not os.path.lexists(link):
        os.symlink(f"../{name}", link)
