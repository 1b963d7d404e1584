"""A build sandbox's network (DOCSPLANE_BUILD_NETWORK), for the bubblewrap sandbox.

- `isolated` (default): the sandbox has its own network namespace, and slirp4netns gives it user-mode
  networking (10.0.2.100, gateway 10.0.2.2, DNS 10.0.2.3) with --disable-host-loopback: outbound
  connections work, the host's 127.0.0.1 (PostgreSQL, RabbitMQ, Redis, the API) does not answer.
- `host`: the host's network namespace, loopback services included.
- `none`: its own namespace with only its own loopback: no network at all.

How a step is attached: bwrap writes its child's pid on --info-fd once the namespaces exist and holds
the command on --block-fd; a thread here waits until the child reads that fd (bwrap configures the
sandbox's loopback before, and slirp4netns configuring its interface meanwhile makes that fail), starts
slirp4netns on that pid, waits for its --ready-fd, then releases the command. slirp4netns ends when its --exit-fd closes: when the sandbox's first process
exits (a pidfd tells), or when the worker dies (the kernel closes the worker's end)."""

from __future__ import annotations

import json
import logging
import os
import select
import subprocess
import tempfile
import threading
import time

log = logging.getLogger(__name__)

ISOLATED, HOST, NONE = "isolated", "host", "none"
MODES = (ISOLATED, HOST, NONE)
DNS = "10.0.2.3"  # slirp4netns' forwarder to the host's resolver
RESOLV_CONF = f"nameserver {DNS}\n"
TAP = "tap0"
READY_TIMEOUT = 10.0  # seconds bwrap may take to set the sandbox up, and slirp4netns its interface
BLOCKED_POLL = 0.0005  # seconds between looks at whether bwrap's child waits on --block-fd
UNISOLATED = ("docsplane: WARNING: this build's network is NOT isolated ({reason}): its commands can "
              "connect to the server's own services on 127.0.0.1")


def bwrap_options(mode: str, user_namespace: bool) -> list[str]:
    """The namespace option for `mode` (a user-namespace sandbox unshares everything by default)."""
    if mode == HOST:
        return ["--share-net"] if user_namespace else []
    return [] if user_namespace else ["--unshare-net"]


def probe_command(mode: str) -> list[str]:
    """What the sandbox's probe runs: in `isolated`, it fails unless slirp4netns made the interface."""
    return ["grep", "-q", TAP, "/proc/net/dev"] if mode == ISOLATED else ["true"]


class Slirp:
    """slirp4netns for one sandboxed command: `options` and `child_fds` go to bwrap; `close` after
    bwrap started (or failed to), in the worker's thread."""

    def __init__(self, executable: str):
        self.executable = executable
        self.info_read, self.info_write = os.pipe()
        self.block_read, self.block_write = os.pipe()
        self.child_fds = (self.info_write, self.block_read)
        self.options = ["--info-fd", str(self.info_write), "--block-fd", str(self.block_read)]
        threading.Thread(target=self._serve, name="slirp4netns", daemon=True).start()

    def close(self) -> None:
        """Our copies of bwrap's ends: once closed, a bwrap that never started reads as EOF."""
        for fd in self.child_fds:
            os.close(fd)

    def _serve(self) -> None:
        try:
            pid = _child_pid(self.info_read)
            if pid is not None:
                self._attach(pid)
        except Exception:
            log.exception("slirp4netns: the build's network could not be set up")
        finally:
            os.close(self.info_read)
            os.close(self.block_write)  # releases the command whatever happened: without slirp it has no network

    def _attach(self, pid: int) -> None:
        try:
            pidfd = os.pidfd_open(pid)
        except ProcessLookupError:
            return  # the sandbox ended already
        try:
            if _waits_on(pid, self.block_read):
                self._network(pid, pidfd)
        finally:
            os.close(pidfd)

    def _network(self, pid: int, pidfd: int) -> None:
        """slirp4netns for the sandbox `pid` until it exits (`pidfd` readable)."""
        ready_read, ready_write = os.pipe()
        exit_read, exit_write = os.pipe()
        with tempfile.TemporaryFile() as errors:  # not a pipe: nobody reads it while slirp4netns runs
            try:
                slirp = subprocess.Popen(
                    [self.executable, "--configure", "--mtu=65520", "--disable-host-loopback", "--enable-sandbox",
                     "--enable-seccomp", "--ready-fd", str(ready_write), "--exit-fd", str(exit_read), str(pid), TAP],
                    pass_fds=(ready_write, exit_read), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=errors)
            except OSError:
                os.close(ready_read)
                os.close(exit_write)
                raise
            finally:
                os.close(ready_write)
                os.close(exit_read)
            try:
                if not _ready(ready_read):
                    log.error("slirp4netns did not configure the build's network; the step runs without one")
                _release(self.block_write)
                select.select([pidfd], [], [])  # until the sandbox's first process exits
            finally:
                os.close(exit_write)  # slirp4netns' --exit-fd: it ends
                os.close(ready_read)
                if slirp.wait():
                    errors.seek(0)
                    log.error("slirp4netns exited with %s: %s", slirp.returncode,
                              errors.read(4096).decode(errors="replace").strip())


def _child_pid(fd: int) -> int | None:
    """The pid bwrap reports on --info-fd; None when it closed the pipe without (it failed)."""
    data = b""
    while chunk := os.read(fd, 4096):
        data += chunk
        try:
            return int(json.loads(data)["child-pid"])
        except ValueError:
            continue
    return None


def _waits_on(pid: int, fd: int) -> bool:
    """Whether `pid` came to wait reading pipe `fd` (its syscall's first argument) within READY_TIMEOUT."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/wchan") as wchan, open(f"/proc/{pid}/syscall") as syscall:
                waiting, call = wchan.read(), syscall.read().split()
        except OSError:
            return False  # gone
        if waiting.endswith("pipe_read") and len(call) > 1 and call[1] == hex(fd):
            return True
        time.sleep(BLOCKED_POLL)
    log.error("bwrap's sandbox did not come to wait for its network within %s seconds", READY_TIMEOUT)
    return False


def _ready(fd: int) -> bool:
    readable, _, _ = select.select([fd], [], [], READY_TIMEOUT)
    return bool(readable) and os.read(fd, 1) == b"1"


def _release(fd: int) -> None:
    """Lets bwrap's child go on to run the command."""
    try:
        os.write(fd, b"1")
    except BrokenPipeError:
        pass  # bwrap is gone
