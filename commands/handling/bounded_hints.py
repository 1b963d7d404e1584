"""A small shared memory of hints (e.g. which project id a slug named last time)."""

import threading


class BoundedHints(dict):
    """A dict that forgets its oldest entries past `size`. Hints only: a miss costs a read, never a
    wrong answer, because whoever reads a hint checks it against what it loads."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size
        self._lock = threading.Lock()  # request threads share it

    def __setitem__(self, key, value) -> None:
        with self._lock:
            super().__setitem__(key, value)
            if len(self) > self.size:
                self.pop(next(iter(self)), None)
