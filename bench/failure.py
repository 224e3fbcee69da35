# SPDX-License-Identifier: LGPL-2.1-or-later
"""How a figure that could not be measured is reported: "failed: <first line of the error>"."""

import re

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
_ERRORISH = re.compile(r"fail|error|cannot|denied|not supported|unknown|invalid", re.IGNORECASE)


def _lines(text):
    text = _ANSI.sub("", text).replace("\r", "\n")
    return [line.strip() for line in text.splitlines() if line.strip()]


def first_error_line(stdout, stderr, known=""):
    """The first line of standard error; a guest's console goes to standard output, so when
    standard error is empty, the first line of it that reads like an error and is not in KNOWN
    (the output of a run that worked: a guest's harmless complaints), or its last line."""
    err = _lines(stderr)
    if err:
        return err[0]
    out, noise = _lines(stdout), set(_lines(known))
    for line in out:
        if _ERRORISH.search(line) and line not in noise:
            return line
    return out[-1] if out else ""


class Failure:
    def __init__(self, reason, detail=""):
        self.reason = reason
        self.detail = detail

    def __str__(self):
        return f"failed: {_shorten(self.detail or self.reason)}"

    def with_reason(self):
        if not self.detail:
            return str(self)
        return f"failed: {_shorten(self.detail)} ({self.reason})"


def _shorten(line):
    return line if len(line) <= 160 else line[:157] + "..."
