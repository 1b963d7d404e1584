"""Runs every projector until stopped: in its own process (`docsplane projector`) or as a thread
inside `docsplane serve`. A failing batch is logged and retried; it never ends the loop.

The projectors run as one group (ProjectorGroup): one read of the log and
one transaction per batch for all the read models, not one each."""

from __future__ import annotations

from projections.following.projector import ProjectorGroup
from workers.following.loop import SupervisedLoop


class ProjectorLoop(SupervisedLoop):
    def __init__(self, projectors, poll_interval: float):
        super().__init__("projector", [ProjectorGroup(projectors)], poll_interval)
