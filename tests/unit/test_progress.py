"""The progress bar of long CLI jobs (docsplane/progress.py): what a line says, and how often it is written."""

import io

from docsplane.progress import ProgressBar, render


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_line_shows_done_total_rate_and_eta():
    line = render("replay", 25_000, 100_000, 12_500.0)
    assert line == "replay [######------------------] 25,000/100,000 events  12,500 events/s  ETA 0:00:06"


def test_without_a_rate_or_when_done_there_is_no_eta():
    assert render("replay", 0, 10, 0.0).endswith("ETA -")
    assert render("replay", 10, 10, 5.0).endswith("ETA -")
    assert render("replay", 0, 0, 0.0).startswith("replay [" + "#" * 24 + "]")


def test_off_a_terminal_it_writes_a_line_every_interval_and_the_last_state_once():
    stream, clock = io.StringIO(), Clock()
    bar = ProgressBar("replay", start=1_000, stream=stream, clock=clock, interval=5)
    for done in range(2_000, 11_000, 1_000):  # one call a second
        clock.now += 1
        bar(done, 10_000)
    bar.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3  # the first call, five seconds later, and the end
    assert lines[-1] == "replay [########################] 10,000/10,000 events  1,000 events/s  ETA -"  # resumed at 1,000


def test_on_a_terminal_it_redraws_in_place():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream, clock = Terminal(), Clock()
    bar = ProgressBar("replay", stream=stream, clock=clock)
    bar(1, 4)
    clock.now += 1
    bar(4, 4)
    bar.close()
    assert stream.getvalue().count("\r") == 2 and stream.getvalue().endswith("\x1b[K\n")
