"""Integer ids assigned by the write side (they appear in URLs), one block of ids at a time."""

import threading

from eventsourcing.application import AggregateNotFoundError

from commands.handling.concurrency import retry_on_conflict
from domain.ids import sequence_id
from domain.sequence import IdSequence


class IdAllocator:
    """HiLo: reserve `block_size` ids with one event, then hand them out from memory.

    Ids are unique across processes and increase within one process; a restart skips the rest
    of its block, so ids have gaps (as Read the Docs' own ids do)."""

    def __init__(self, app, name: str, block_size: int):
        self.app = app
        self.name = name
        self.block_size = block_size
        self._lock = threading.Lock()
        self._block = iter(())

    def next(self) -> int:
        with self._lock:
            number = next(self._block, None)
            if number is None:
                self._block = iter(self._reserve())
                number = next(self._block)
            return number

    @retry_on_conflict
    def _reserve(self) -> range:
        try:
            sequence = self.app.repository.get(sequence_id(self.name))
        except AggregateNotFoundError:
            sequence = IdSequence(name=self.name)
        block = sequence.reserve(self.block_size)
        self.app.save(sequence)
        return block


class IdAllocators:
    """One allocator per kind of numbered thing ("project", "redirect", ...), made on first use."""

    def __init__(self, app, block_size: int):
        self.app = app
        self.block_size = block_size
        self._allocators: dict[str, IdAllocator] = {}
        self._lock = threading.Lock()

    def __getitem__(self, name: str) -> IdAllocator:
        with self._lock:
            if name not in self._allocators:
                self._allocators[name] = IdAllocator(self.app, name, self.block_size)
            return self._allocators[name]
