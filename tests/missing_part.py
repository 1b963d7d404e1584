"""A part a test needs (a server, a tool) that this machine lacks: skipped with the reason locally,
a failure under CI=true, where every part must be had."""

from __future__ import annotations

import os

import pytest


def missing(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: this test must run in CI, not be skipped)", pytrace=False)
    pytest.skip(message)
