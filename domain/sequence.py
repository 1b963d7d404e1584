"""IdSequence: hands out blocks of integer ids (HiLo), so ids are assigned by the write side
without every trigger contending on one counter."""

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import sequence_id


class IdSequence(Aggregate):
    @staticmethod
    def create_id(name: str) -> UUID:
        return sequence_id(name)

    @event("SequenceStarted")
    def __init__(self, *, name: str):
        self.name = name
        self.next = 1

    def reserve(self, size: int) -> range:
        start = self.next
        self._reserve(start=start, size=size)
        return range(start, start + size)

    @event("BlockReserved")
    def _reserve(self, start: int, size: int) -> None:
        self.next = start + size
