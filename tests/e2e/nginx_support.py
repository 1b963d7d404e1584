"""A real nginx for tests (bench/nginx.py runs it). Under CI=true a missing nginx fails the test instead of
skipping it (`.ci/run` installs the Debian package)."""

from __future__ import annotations

from missing_part import missing

from bench.nginx import ACCEL_PREFIX, nginx_binary, start_nginx as _start, stop_nginx

__all__ = ["ACCEL_PREFIX", "start_nginx", "stop_nginx"]


def start_nginx(*args, **kwargs):
    if nginx_binary() is None:
        missing("nginx is not installed (apt-get install nginx)")
    return _start(*args, **kwargs)
