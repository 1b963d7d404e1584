"""Fixtures of the integration layer (the shared ones live in tests/conftest.py)."""

import pytest

from docsplane.bootstrap import build


class Opener:
    """`open_docsplane(settings)` builds another container on the given storage;
    `open_docsplane.close(container)` stops one early. The rest are closed after the test."""

    def __init__(self):
        self.opened = []

    def __call__(self, settings):
        container = build(settings)
        self.opened.append(container)
        return container

    def close(self, container) -> None:
        self.opened.remove(container)
        container.close()

    def close_all(self) -> None:
        while self.opened:
            self.opened.pop().close()


@pytest.fixture
def open_docsplane():
    opener = Opener()
    yield opener
    opener.close_all()
