"""What a killed worker leaves of a build: its temporary directory, and the step's processes, which
run in a session of their own and so outlive the worker (in the sandbox, bwrap's --die-with-parent
ends them with the worker; should one survive, its bwrap works in the build's home, and the
sandbox dies with it); and the copy of /etc its sandboxes used. Each such
directory names its owner (pid and start time, so a reused pid is not mistaken for it); the next
build on the machine removes the directories whose owner is gone, killing first every process still
working inside them.

Linux only (it reads /proc); elsewhere nothing is swept."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

PREFIX = "docsplane-build-"
ETC_PREFIX = "docsplane-sandbox-etc-"
OWNER = ".docsplane-owner"
PROC = Path("/proc")


def claim(home: Path) -> None:
    """Mark `home` as this process's build directory (or copy of /etc)."""
    (home / OWNER).write_text(f"{os.getpid()} {_start_time(os.getpid())}")


def sweep(tmpdir: str) -> list[Path]:
    """Remove the build directories (and copies of /etc) in `tmpdir` whose owner has died; returns them."""
    if not (PROC / "self" / "stat").exists():
        return []
    swept = []
    for home in [*Path(tmpdir).glob(f"{PREFIX}*"), *Path(tmpdir).glob(f"{ETC_PREFIX}*")]:
        try:
            pid, started = (home / OWNER).read_text().split()
        except (OSError, ValueError):
            continue  # not a build directory, or one being created
        if _start_time(int(pid)) == started:
            continue  # its worker is alive
        _kill_processes_in(home.resolve())
        shutil.rmtree(home, ignore_errors=True)
        swept.append(home)
    return swept


def _start_time(pid: int) -> str | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]  # field 22, counted after the command name


def _kill_processes_in(home: Path) -> None:
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = Path(os.readlink(entry / "cwd"))
        except OSError:
            continue  # gone, or not ours to see
        if cwd == home or home in cwd.parents:
            try:
                os.kill(int(entry.name), signal.SIGKILL)
            except OSError:
                pass
