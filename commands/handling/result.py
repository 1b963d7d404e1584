"""What every command returns: its answer, and the recordings the read side must catch up to."""

from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import Recording


@dataclass(frozen=True)
class Written:
    value: Any = None
    recordings: list[Recording] = field(default_factory=list)
