# SPDX-License-Identifier: LGPL-2.1-or-later
"""Peak resident memory (VmHWM) of a launcher and of its direct children, read at their exit.

Why not getrusage or GNU time's %M: a parent's ru_maxrss includes the peak of every descendant it
has waited for, and the supervisor waits for the container's PID 1, so the figure would be the
guest's systemd, not the supervisor. Why not polling /proc/PID/status: the peak may come during
teardown, after the last sample. Instead the launcher runs under ptrace with PTRACE_O_TRACEEXIT:
the kernel stops each traced process just before it releases its memory, when VmHWM in
/proc/PID/status holds its final peak. The launcher's direct children (for syscon, the process that
becomes syscon-init) are attached from their first instruction through PTRACE_O_TRACEFORK/CLONE and
traced for their exit only, so nothing further down (the command, the guest's services) is
traced. Tracing stops a process only at its exit and at signal delivery, which do not change what
memory it touches."""

import ctypes
import os
import signal
import subprocess

_libc = ctypes.CDLL(None, use_errno=True)
_libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
_libc.ptrace.restype = ctypes.c_long

PTRACE_TRACEME, PTRACE_CONT, PTRACE_SETOPTIONS = 0, 7, 0x4200
O_TRACEFORK, O_TRACEVFORK, O_TRACECLONE, O_TRACEEXEC, O_TRACEEXIT = 0x2, 0x4, 0x8, 0x10, 0x40
O_EXITKILL = 0x100000
EVENT_FORK, EVENT_VFORK, EVENT_CLONE, EVENT_EXEC, EVENT_EXIT = 1, 2, 3, 4, 6
WALL = 0x40000000

LAUNCHER_OPTIONS = O_TRACEFORK | O_TRACEVFORK | O_TRACECLONE | O_TRACEEXEC | O_TRACEEXIT | O_EXITKILL
CHILD_OPTIONS = O_TRACEEXEC | O_TRACEEXIT | O_EXITKILL


def _ptrace(request, pid, data=0):
    if _libc.ptrace(request, pid, None, ctypes.c_void_p(data)) < 0:
        e = ctypes.get_errno()
        raise OSError(e, f"ptrace({request}, {pid}): {os.strerror(e)}")


def _traceme():
    _ptrace(PTRACE_TRACEME, 0)


def _read_hwm_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def _exe(pid):
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return "?"


def measure(argv, log_path, timeout=None):
    """Runs argv, returns (exit status, {"launcher": kB, "children": [(exe, kB), ...]})."""
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                preexec_fn=_traceme)
    if timeout:
        alarm = signal.signal(signal.SIGALRM, lambda *_: os.kill(proc.pid, signal.SIGKILL))
        signal.alarm(timeout)
    try:
        return _trace(proc.pid)
    finally:
        if timeout:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, alarm)


def _trace(root):
    peaks = {"launcher": None, "children": []}
    configured = set()
    exe = {}
    status_code = None
    while True:
        try:
            pid, status = os.waitpid(-1, WALL)
        except ChildProcessError:
            break
        if os.WIFEXITED(status) or os.WIFSIGNALED(status):
            if pid == root:
                status_code = os.waitstatus_to_exitcode(status)
            continue
        if not os.WIFSTOPPED(status):
            continue
        sig, event = os.WSTOPSIG(status), status >> 16
        resume_with = 0
        if pid not in configured:
            # The launcher's stop after its execve, or a new child's initial SIGSTOP.
            _ptrace(PTRACE_SETOPTIONS, pid, LAUNCHER_OPTIONS if pid == root else CHILD_OPTIONS)
            configured.add(pid)
            exe[pid] = _exe(pid)
        elif sig == signal.SIGTRAP and event == EVENT_EXEC:
            exe[pid] = _exe(pid)
        elif sig == signal.SIGTRAP and event == EVENT_EXIT:
            kb = _read_hwm_kb(pid)
            if pid == root:
                peaks["launcher"] = kb
            else:
                peaks["children"].append((exe.get(pid, "?"), kb))
        elif sig == signal.SIGTRAP and event in (EVENT_FORK, EVENT_VFORK, EVENT_CLONE):
            pass  # the new child reports its own initial stop
        elif event == 0:
            resume_with = sig  # a real signal: deliver it
        _ptrace(PTRACE_CONT, pid, resume_with)
    return status_code, peaks
