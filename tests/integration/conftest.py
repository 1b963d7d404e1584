"""Fixtures of the integration layer (the shared ones live in tests/conftest.py)."""

import pytest

from docsplane.bootstrap import build


@pytest.fixture
def open_docsplane():
    """`open_docsplane(settings)`: another container (closed after the test)."""
    opened = []

    def open_(settings):
        container = build(settings)
        opened.append(container)
        return container

    yield open_
    for container in reversed(opened):
        container.close()
