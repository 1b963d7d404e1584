"""Runs every projector until stopped: in its own process (`docsplane projector`) or as a thread
inside `docsplane serve`. A failing batch is logged and retried; it never ends the loop."""

from __future__ import annotations

from workers.loop import SupervisedLoop


class ProjectorLoop(SupervisedLoop):
    def __init__(self, projectors, poll_interval: float):
        super().__init__("projector", projectors, poll_interval)
