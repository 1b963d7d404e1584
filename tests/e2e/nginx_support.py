"""A real nginx for tests (bench/nginx.py runs it). Under CI=true a missing nginx fails the test instead of
skipping it (`.ci/run` installs the Debian package)."""

from __future__ import annotations

import os

import pytest

from bench.nginx import ACCEL_PREFIX, nginx_binary, start_nginx as _start, stop_nginx

__all__ = ["ACCEL_PREFIX", "start_nginx", "stop_nginx"]


def start_nginx(*args, **kwargs):
    if nginx_binary() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is not installed (apt-get install nginx)")
        pytest.skip("nginx is not installed")
    return _start(*args, **kwargs)
