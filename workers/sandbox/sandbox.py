"""Which sandbox a build's commands run in: builds are untrusted code.

    sandbox = sandbox_for(settings)      # "bwrap", or "none"; probed once per process
    with sandbox.command(["git", "status"], cwd=f"{HOME}/checkout", env=env, home=host_home) as popen:
        subprocess.run(**popen, capture_output=True)

`Bubblewrap` (its own module) when it works; `NoSandbox` (DOCSPLANE_BUILD_SANDBOX=none, or bwrap
unusable with the embedded SQLite store) runs commands with the worker's own privileges, and says so;
a production worker (PostgreSQL) refuses to start without the protection asked for."""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from workers.sandbox.network import HOST, ISOLATED, probe_command
from workers.sandbox.bubblewrap import Bubblewrap
from workers.sandbox.limits import Limits

log = logging.getLogger(__name__)
PROBE_TIMEOUT = 30.0

UNSANDBOXED = ("docsplane: WARNING: this build is NOT sandboxed ({reason}): its commands run with the "
               "build worker's own privileges and can read what the worker can")



class SandboxRefused(Exception):
    """A production worker (PostgreSQL) without a working sandbox, and `none` not chosen."""



class NoSandbox:
    name = "none"
    enabled = False

    def __init__(self, reason: str):
        self.reason = reason  # why builds are not sandboxed, for their output and the health report

    @property
    def warning(self) -> str:
        return UNSANDBOXED.format(reason=self.reason)

    def home(self, host_home: Path) -> Path:
        return host_home

    def hand_over(self, path: Path) -> None:
        """Make `path` (the build's home) writable by the build's commands."""

    @contextmanager
    def command(self, argv: list[str], cwd: str | None, env: Mapping[str, str], home: Path | None = None,
                readable: Iterable[str] = ()) -> Iterator[dict]:
        yield {"args": list(argv), "cwd": cwd or (str(home) if home is not None else None), "env": dict(env)}


def sandbox_for(settings, warn: bool = True):
    """The sandbox the settings ask for, once it ran its probe. Without a working bwrap: on SQLite (the
    embedded default) a NoSandbox, and a warning logged unless `warn` is false; on PostgreSQL
    (production) SandboxRefused. The same for an `isolated` network without a working slirp4netns,
    except that the embedded default falls back to the host's network."""
    if settings.build_sandbox == "none":
        return NoSandbox("DOCSPLANE_BUILD_SANDBOX=none")
    host_uid = settings.build_uid if os.geteuid() == 0 else None
    executable, limits = shutil.which("bwrap"), Limits.from_settings(settings)
    sandbox, problem = _probed(executable, limits, host_uid, settings.build_network, shutil.which("slirp4netns"))
    if problem is None:
        return sandbox
    if settings.build_network == ISOLATED and executable is not None:
        _, host_problem = _probed(executable, limits, host_uid, HOST, None)
        if host_problem is None:  # bwrap works: the isolated network does not
            _fall_back(settings, warn, f"a build worker isolates builds from the host's network and {problem}: install "
                                       f"slirp4netns (Debian package slirp4netns) or set DOCSPLANE_BUILD_NETWORK=host explicitly",
                       f"BUILDS CAN REACH THIS HOST'S LOOPBACK SERVICES: {problem}; builds use the host's network "
                       f"(install slirp4netns, Debian package slirp4netns)")
            return _probed(executable, limits, host_uid, HOST, None, problem)[0]
        problem = host_problem
    _fall_back(settings, warn, f"a build worker needs a working sandbox and {problem}: install bubblewrap "
                               f"(Debian package bubblewrap) or set DOCSPLANE_BUILD_SANDBOX=none explicitly",
               f"BUILDS ARE NOT SANDBOXED: {problem}; every build runs with this worker's privileges "
               f"(install bubblewrap, Debian package bubblewrap)")
    return NoSandbox(problem)


def _fall_back(settings, warn: bool, refusal: str, warning: str) -> None:
    """Production (PostgreSQL) refuses to build with less protection than asked; the embedded default
    builds all the same, and says so."""
    if not settings.uses_sqlite_event_store:
        raise SandboxRefused(refusal)
    if warn:
        log.warning("%s", warning)


@functools.lru_cache(maxsize=16)
def _probed(executable: str | None, limits: Limits, host_uid: int | None, network: str, slirp: str | None,
            network_problem: str | None = None):
    if executable is None:
        return None, "bwrap is not installed"
    if network == ISOLATED and slirp is None:
        return None, "slirp4netns is not installed"
    sandbox = Bubblewrap(executable, limits, host_uid, network, slirp, network_problem)
    problem = _probe(sandbox)
    if problem is None:
        return sandbox, None
    return None, problem


def _probe(sandbox: Bubblewrap) -> str | None:
    """None when the probe runs in the sandbox (in `isolated`, finds slirp4netns' interface), else what went wrong."""
    what = "slirp4netns" if sandbox.network == ISOLATED else "bwrap"
    try:
        with sandbox.command(probe_command(sandbox.network), cwd="/", env={"PATH": "/usr/bin:/bin"}) as popen:
            result = subprocess.run(**popen, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                    errors="replace", timeout=PROBE_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bwrap does not work here: {error}"
    if result.returncode != 0:
        silent = "the sandbox got no network interface (the worker's log says why)" if what == "slirp4netns" else \
            f"exit code {result.returncode}"
        return f"{what} does not work here: {result.stderr.strip() or silent}"
    return None


def describe(settings) -> dict:
    """The sandbox as `docsplane status` and GET /_health report it."""
    try:
        sandbox = sandbox_for(settings, warn=False)
    except SandboxRefused as refusal:
        return {"mode": settings.build_sandbox, "active": False, "message": str(refusal)}
    if sandbox.enabled:
        return {"mode": "bwrap", "active": True, "message": "every build step runs in a bubblewrap sandbox",
                "network": _network_report(settings.build_network, sandbox)}
    return {"mode": settings.build_sandbox, "active": False, "message": f"builds are NOT sandboxed: {sandbox.reason}"}


NETWORKS = {"isolated": "own network namespace through slirp4netns: outbound only, not this host's loopback",
            "host": "this host's network, its loopback services included",
            "none": "no network"}


def _network_report(asked: str, sandbox: Bubblewrap) -> dict:
    message = NETWORKS[sandbox.network]
    if sandbox.network_problem:
        message = f"builds' network is NOT isolated: {sandbox.network_problem}; {message}"
    return {"mode": asked, "active": sandbox.network, "message": message}
