"""Running one build step: a shell command in its own process group, in the build's sandbox,
with a time limit, a cancel signal, and its output captured up to a cap with
the project's secret values masked."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

MASK = "****"
TIMED_OUT = 124  # the exit code a timed-out step records, as coreutils' timeout(1) reports it
POLL = 0.05  # seconds between checks of the time limit and the cancel signal
# After a step's main process exits, how long processes it left behind may keep its output open.
DRAIN_GRACE = 2.0


@dataclass(frozen=True)
class StepResult:
    exit_code: int
    output: str
    started: datetime
    finished: datetime
    timed_out: bool = False
    cancelled: bool = False


def run_step(command: str, cwd: str | None, env: dict[str, str], timeout: float, output_max: int,
             secrets: Iterable[str] = (), cancelled: threading.Event | None = None, *, sandbox,
             home: Path | None = None, readable: Iterable[str] = ()) -> StepResult:
    """Run `command` with /bin/sh in `sandbox` (`sandbox_for(settings)`; always
    given, so no caller runs a repository's code unsandboxed by omission). `cwd` is a path as the
    command sees it (None: the home); `home` the build's home on the host (None: an empty one);
    `readable` host paths it may read (`readable_repository`). On timeout or cancel the whole process
    group is killed; it is killed at the end in any case, so nothing a step started outlives it (in
    bwrap, the sandbox's PID namespace dies with it)."""
    output = CappedOutput(output_max, secrets)
    started = datetime.now(timezone.utc)
    deadline = time.monotonic() + max(timeout, 0)
    with sandbox.command(["/bin/sh", "-c", command], cwd, env, home, readable) as popen:
        process = subprocess.Popen(**popen, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    timed_out = was_cancelled = False
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            exited_at = None
            while True:
                if selector.get_map():
                    _read_available(selector, process.stdout, output)
                else:  # the output is closed; the process may still run
                    _wait(process, POLL)
                finished = process.poll() is not None
                if finished and not selector.get_map():
                    break
                if cancelled is not None and cancelled.is_set():
                    was_cancelled = True
                elif time.monotonic() >= deadline:
                    timed_out = True
                elif not finished:
                    continue
                elif exited_at is None:
                    exited_at = time.monotonic()
                    _kill_group(process.pid)  # leftovers holding the output open
                    continue
                elif time.monotonic() - exited_at < DRAIN_GRACE:
                    continue
                break
    finally:
        _kill_group(process.pid)
        process.wait()
        process.stdout.close()
    if timed_out:
        output.note(f"docsplane: the command was killed after {timeout:g} seconds (time limit)")
    elif was_cancelled:
        output.note("docsplane: the command was killed because the build was cancelled")
    return StepResult(
        exit_code=TIMED_OUT if timed_out else process.returncode, output=output.text(), started=started,
        finished=datetime.now(timezone.utc), timed_out=timed_out, cancelled=was_cancelled,
    )


def _read_available(selector, stream, output: CappedOutput) -> None:
    for key, _ in selector.select(POLL):
        chunk = os.read(key.fd, 65536)
        if chunk:
            output.feed(chunk)
        else:
            selector.unregister(stream)


def _wait(process, seconds: float) -> None:
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        pass


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # the group is gone already


def mask(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret value replaced, longest first (a value may contain another)."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


class CappedOutput:
    """A command's output: whole when it fits in `limit` bytes, otherwise its first and last halves
    around a marker. Only a bounded amount is ever held. Secrets are masked in bytes, before the
    cut, on windows that extend past the cut by the longest secret, so a secret that straddles a
    cut is masked, not half-shown."""

    def __init__(self, limit: int, secrets: Iterable[str] = ()):
        self.limit = limit
        self.half = limit // 2
        self.secrets = sorted({s.encode() for s in secrets if s}, key=len, reverse=True)
        self.margin = max(map(len, self.secrets), default=0)
        self.head = bytearray()  # the first limit + margin bytes
        self.tail = bytearray()  # the last half + margin bytes
        self.total = 0
        self.notes: list[str] = []

    def feed(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = self.limit + self.margin - len(self.head)
        if room > 0:
            self.head += chunk[:room]
        self.tail += chunk
        del self.tail[:-(self.half + self.margin) or len(self.tail)]

    def note(self, message: str) -> None:
        """A line the builder adds after the output, e.g. why the command was killed."""
        self.notes.append(message)

    def text(self) -> str:
        if self.total <= self.limit:
            body = self._masked(self.head, 0, self.total)
        else:
            omitted = self.total - 2 * self.half
            body = (self._masked(self.head, 0, self.half)
                    + f"\n\n[docsplane: {omitted} bytes of output omitted; a command's output is capped at "
                      f"{self.limit} bytes]\n\n".encode()
                    + self._masked(self.tail, len(self.tail) - self.half, len(self.tail)))
        text = body.decode("utf-8", errors="replace").replace("\x00", "\ufffd")  # PostgreSQL TEXT has no NUL
        notes = "".join(f"[{note}]\n" for note in self.notes)
        return text + ("\n" if notes and text and not text.endswith("\n") else "") + notes

    def _masked(self, data: bytearray, start: int, end: int) -> bytes:
        """data[start:end] with each secret occurrence overlapping it replaced by the mask."""
        covered = sorted(self._occurrences(bytes(data)))
        out, position = bytearray(), start
        for first, last in covered:
            if last <= position or first >= end:
                continue
            out += data[position:max(first, position)] + MASK.encode()
            position = last
        if position < end:
            out += data[position:end]
        return bytes(out)

    def _occurrences(self, data: bytes) -> list[tuple[int, int]]:
        """Disjoint (start, end) ranges covered by secrets, longer secrets first."""
        ranges: list[tuple[int, int]] = []
        for secret in self.secrets:
            index = data.find(secret)
            while index != -1:
                end = index + len(secret)
                if not any(a < end and index < b for a, b in ranges):
                    ranges.append((index, end))
                index = data.find(secret, index + 1)
        return ranges
