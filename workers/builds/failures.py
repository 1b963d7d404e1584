"""How a build ends unsuccessfully, and why a command failed: its time limit, a limit of the sandbox
it ran into (which the output shows), or its exit code."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from workers.builds.step import StepResult

# How shells and Python report a fork refused by the process limit.
FORK_FAILED = ("Cannot fork", "fork: Resource temporarily unavailable", "fork: retry: Resource temporarily unavailable",
               "BlockingIOError: [Errno 11] Resource temporarily unavailable")


class BuildFailed(Exception):
    """Ends the build unsuccessfully; the message is the build's `error`."""


class BuildClosed(Exception):
    """The build was finished elsewhere (cancelled through the API, or by a lease expiry)."""


def failure(result: StepResult, limit: float, error: str | None, settings) -> str:
    """Why a command failed: its time limit, a limit of the sandbox it ran into, or its exit code."""
    reached = limit_reached(result, settings)
    if result.timed_out:
        return f"the command timed out after {limit:g} seconds" + (f", having reached {reached}" if reached else "")
    if reached:
        return f"the command reached {reached}"
    return error or f"the command exited with code {result.exit_code}"

def limit_reached(result: StepResult, settings) -> str | None:
    """Which of the build's limits a failed command ran into, when that shows."""
    if result.exit_code in (128 + signal.SIGXFSZ, -signal.SIGXFSZ):
        return f"the build's disk limit of {settings.build_disk_max} bytes per file (DOCSPLANE_BUILD_DISK_MAX)"
    if any(sign in result.output for sign in FORK_FAILED):
        return (f"the build's limit of {settings.build_processes_max} processes "
                f"(DOCSPLANE_BUILD_PROCESSES_MAX)")
    return None

def check_disk(home: Path, settings) -> None:
    used = disk_usage(home)
    if used > settings.build_disk_max:
        raise BuildFailed(f"the build uses {used} bytes of disk, more than its limit of "
                          f"{settings.build_disk_max} bytes (DOCSPLANE_BUILD_DISK_MAX)")

def total_limit(settings) -> str:
    return f"the build exceeded its time limit of {settings.build_timeout:g} seconds"


def disk_usage(root: Path) -> int:
    """Bytes a directory tree takes on disk, symbolic links not followed."""
    total = 0
    for directory, _, files in os.walk(root):
        for name in files:
            try:
                total += os.lstat(os.path.join(directory, name)).st_blocks * 512
            except OSError:
                pass
    return total


def command_quote(command: str, length: int = 200) -> str:
    """A command as an error message quotes it: its first line, at most `length` characters."""
    line = command.splitlines()[0] if command else ""
    return line if line == command and len(line) <= length else line[:length] + " …"
