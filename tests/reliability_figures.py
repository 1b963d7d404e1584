"""The figures the reliability tests reach (requests sent, faults injected, inputs tried, lost writes),
recorded by the tests themselves and written into the reliability page of the docs (docs/reliability.md).

A test asks for the `reliability` fixture and calls
    reliability.record("Crash faults: kill -9 of every process", requests=1200, faults_injected=16, lost=0)
Calls with the same title add up (parametrized tests, several backends). The figures are printed at the
end of every run; with DOCSPLANE_WRITE_FIGURES=1 a run in which every test passed also rewrites the
section between the page's reliability markers, so the documented numbers come from a real run.
"""

from __future__ import annotations

import os
import platform
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parent.parent / "docs" / "reliability.md"
BEGIN = "<!-- reliability figures: written by the test suite (tests/reliability_figures.py), do not edit -->"
END = "<!-- end of reliability figures -->"

_figures: dict[str, dict[str, int]] = {}
_lock = threading.Lock()


class Recorder:
    def record(self, title: str, **figures: int) -> None:
        """Adds figures (non-negative integers, named like `faults_injected`) under a title."""
        for name, value in figures.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"figure {name}={value!r} must be a non-negative int")
        with _lock:
            row = _figures.setdefault(title, {})
            for name, value in figures.items():
                row[name] = row.get(name, 0) + value


@pytest.fixture
def reliability() -> Recorder:
    return Recorder()


def _label(name: str) -> str:
    return name.replace("_", " ")


def render() -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Last written by a full test run on {when}, {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}.",
        "",
        "| test | figures |",
        "|---|---|",
    ]
    for title in sorted(_figures):
        figures = " · ".join(f"{_label(name)} {value:,}" for name, value in _figures[title].items())
        lines.append(f"| {title} | {figures} |")
    return "\n".join(lines)


def write_page(page: Path = PAGE) -> None:
    text = page.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise RuntimeError(f"{page} has no reliability markers; add {BEGIN!r} ... {END!r}")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    page.write_text(f"{head}{BEGIN}\n{render()}\n{END}{tail}", encoding="utf-8")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _figures:
        return
    terminalreporter.section("reliability figures")
    terminalreporter.write_line(render())
    if os.environ.get("DOCSPLANE_WRITE_FIGURES") == "1":
        if exitstatus == 0:
            write_page()
            terminalreporter.write_line(f"written into {PAGE}")
        else:
            terminalreporter.write_line("not written into docs/reliability.md: the run did not pass")
