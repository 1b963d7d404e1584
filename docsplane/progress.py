"""A progress bar for long CLI jobs: done/total, rate and ETA, on stderr.

On a terminal it redraws one line in place; otherwise (a log file, CI) it writes a line every few
seconds, so that the output stays readable."""

from __future__ import annotations

import sys
import time
from datetime import timedelta

WIDTH = 24


def render(label: str, done: int, total: int, rate: float, unit: str = "events") -> str:
    """'replay [######------------------]  25,000/100,000 events  12,500 events/s  ETA 0:00:06'"""
    fraction = min(done / total, 1.0) if total else 1.0
    filled = round(fraction * WIDTH)
    eta = timedelta(seconds=round((total - done) / rate)) if rate > 0 and total > done else None
    return (
        f"{label} [{'#' * filled}{'-' * (WIDTH - filled)}] {done:,}/{total:,} {unit}  {rate:,.0f} {unit}/s"
        f"  ETA {eta if eta is not None else '-'}"
    )


class ProgressBar:
    """bar = ProgressBar("replay", start=0); bar(done, total) as often as you like; bar.close()."""

    def __init__(self, label: str, start: int = 0, stream=None, clock=time.monotonic, interval: float | None = None):
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.interval = interval if interval is not None else (0.1 if self.tty else 5.0)
        self.clock = clock
        self.started = clock()
        self.start = start  # done when the clock started: a resumed job's rate counts only this run
        self.done = start
        self.total = start
        self._drawn = None  # when the last line was written
        self._shown = None  # what it showed

    @property
    def rate(self) -> float:
        elapsed = self.clock() - self.started
        return (self.done - self.start) / elapsed if elapsed > 0 else 0.0

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        now = self.clock()
        if self._drawn is None or now - self._drawn >= self.interval:
            self._draw()
            self._drawn = now

    def close(self) -> None:
        """Draw the final state (unless already shown) and end the line."""
        if self._shown != (self.done, self.total):
            self._draw()
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self) -> None:
        self._shown = (self.done, self.total)
        line = render(self.label, self.done, self.total, self.rate)
        self.stream.write(f"\r{line}\x1b[K" if self.tty else f"{line}\n")
        self.stream.flush()
