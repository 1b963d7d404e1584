"""`Bubblewrap` runs every command of a build in a bubblewrap (`bwrap`) sandbox: its own mount, PID,
IPC and UTS namespaces, and the network DOCSPLANE_BUILD_NETWORK asks for (by default its own namespace,
outbound through slirp4netns, the host's loopback unreachable); read-only the system (/usr, a few files
of /etc) and the builder's Python; writable only the build's home (bound at /home/docs) and a
size-limited /tmp; nothing else of the host (no data dir, no other build, no host /proc). Limits on
memory, processes, open files and file size apply to every process of the step.

A user namespace would map the sandbox's user to the worker's: when the worker is root, that is
root, which the kernel exempts from the process limit. So a root worker runs bwrap without a user
namespace and the command drops to DOCSPLANE_BUILD_UID (setpriv) before anything of the build runs;
any other worker maps uid 1000 inside to itself.

The build's environment never goes through bwrap's own (a build's LD_PRELOAD must not reach bwrap)
nor its command line (visible to every host user): bwrap's options are read from a memfd (--args),
and the variables are sourced from a file inside the sandbox just before the command."""

from __future__ import annotations

import atexit
import logging
import os
import re
import shlex
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from workers.builds import leftovers as build_leftovers
from workers.sandbox.network import HOST, ISOLATED, RESOLV_CONF, UNISOLATED, Slirp, bwrap_options
from workers.sandbox.limits import Limits

log = logging.getLogger(__name__)

HOME = "/home/docs"  # the build's home as its commands see it
INSIDE_UID = 1000  # the uid inside a user namespace
ENV_FILE = "/run/docsplane/environment"
LAUNCHER = f'. {ENV_FILE} && exec "$@"'
SHELL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# What of /etc a build needs (DNS, TLS certificates, alternatives, the loader's cache, TeX): no more.
ETC = ("alternatives", "ca-certificates", "ca-certificates.conf", "debian_version", "fonts", "gai.conf",
       "host.conf", "hosts", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "mime.types",
       "nsswitch.conf", "os-release", "pki", "protocols", "resolv.conf", "services", "ssl", "texmf", "timezone",
       "ucf.conf", "xml")
# A local repository bound for the clone belongs to another user: git must not refuse it.
GITCONFIG = "[safe]\n\tdirectory = *\n"

HOST_TMP = tempfile.gettempdir()  # as the worker started (the sandbox's /etc is copied there)
SANDBOX_PATH = "/usr/local/bin:/usr/bin:/bin"  # the sandbox has the system only


class Bubblewrap:
    name = "bwrap"
    enabled = True
    reason = None

    def __init__(self, executable: str, limits: Limits, host_uid: int | None, network: str = HOST,
                 slirp: str | None = None, network_problem: str | None = None):
        self.executable = executable
        self.limits = limits
        self.host_uid = host_uid  # None: a user namespace maps INSIDE_UID to the worker's uid
        self.uid = INSIDE_UID if host_uid is None else host_uid
        self.network = network  # ISOLATED, HOST or NONE
        self.slirp = slirp  # slirp4netns' path, for ISOLATED
        self.network_problem = network_problem  # why ISOLATED was asked and HOST is used
        self.warning = UNISOLATED.format(reason=network_problem) if network_problem else None
        resolver = {"resolv.conf": RESOLV_CONF} if network == ISOLATED else {}
        self.etc = EtcCopy({**resolver, "passwd": f"root:x:0:0:root:/nonexistent:/usr/sbin/nologin\n"
                                      f"docs:x:{self.uid}:{self.uid}:docs:{HOME}:/bin/sh\n",
                            "group": f"root:x:0:\ndocs:x:{self.uid}:\n", "gitconfig": GITCONFIG})

    def home(self, host_home: Path) -> Path:
        return Path(HOME)

    def hand_over(self, path: Path) -> None:
        if self.host_uid is None:
            return
        os.chown(path, self.host_uid, self.host_uid)
        for root, directories, files in os.walk(path):
            for name in directories + files:
                os.lchown(os.path.join(root, name), self.host_uid, self.host_uid)

    @contextmanager
    def command(self, argv: list[str], cwd: str | None, env: Mapping[str, str], home: Path | None = None,
                readable: Iterable[str] = ()) -> Iterator[dict]:
        """Popen's arguments for `argv` run in the sandbox, in `cwd` (a path inside; None: the home),
        with exactly `env`; `home` is bound read-write at HOME (else an empty tmpfs), `readable`
        read-only (`readable_repository`)."""
        fds: list[int] = []
        slirp = Slirp(self.slirp) if self.network == ISOLATED else None
        try:
            options = self._options(fds, cwd, env, home, readable) + (slirp.options if slirp else [])
            arguments = _data(fds, "args", "".join(f"{option}\0" for option in options))
            yield {"args": [self.executable, "--args", str(arguments), "--", *self._drop(), "/bin/sh", "-c", LAUNCHER,
                            "sh", *argv],
                   # bwrap's own cwd is the home: build_leftovers finds it there (what runs inside shows /home/docs)
                   "cwd": str(home) if home is not None else "/", "env": {},
                   "pass_fds": (*fds, *(slirp.child_fds if slirp else ()))}
        finally:
            for fd in fds:
                os.close(fd)
            if slirp:
                slirp.close()

    def _options(self, fds: list[int], cwd: str | None, env: Mapping[str, str], home: Path | None,
                 readable: Iterable[str]) -> list[str]:
        options = ["--die-with-parent", "--new-session", "--clearenv", "--setenv", "PATH", "/usr/bin:/bin"]
        if self.host_uid is None:
            options += ["--unshare-all", "--unshare-user", "--uid", str(INSIDE_UID),
                        "--gid", str(INSIDE_UID), "--disable-userns"]
        else:
            options += ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                        "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]  # for setpriv, dropped by it
        options += bwrap_options(self.network, user_namespace=self.host_uid is None)
        options += ["--hostname", "docsplane-build"]
        for path in SYSTEM:
            if os.path.islink(path):
                options += ["--symlink", os.readlink(path), path]
            elif os.path.isdir(path):
                options += ["--ro-bind", path, path]
        python, readable = python_installation(), list(readable)
        # bwrap makes missing mount points 0700 (root's): the unprivileged uid must pass through them
        for directory in _ancestors(p for p in [*python, *readable, HOME, ENV_FILE, "/var/tmp"] if not _under_tmp(p)):
            options += ["--perms", "0755", "--dir", directory]
        options += ["--ro-bind", self.etc.current(), "/etc"]
        for path in python:
            if not _under_tmp(path):
                options += ["--ro-bind", path, path]
        options += ["--proc", "/proc", "--dev", "/dev", "--perms", "01777", "--size", str(self.limits.file_size),
                    "--tmpfs", "/tmp", "--symlink", "/tmp", "/var/tmp"]
        if home is not None:
            options += ["--bind", str(home), HOME]
        else:
            options += ["--perms", "0777", "--tmpfs", HOME]
        # A Python or repository under /tmp (a checkout in /tmp, say) is bound into the new /tmp, so after it.
        in_tmp = [p for p in python if _under_tmp(p)]
        for directory in _ancestors([*in_tmp, *filter(_under_tmp, readable)], below="/tmp"):
            options += ["--perms", "0755", "--dir", directory]
        for path in [*in_tmp, *readable]:
            options += ["--ro-bind", path, path]
        options += ["--perms", "0444", "--ro-bind-data", _data(fds, "environment", _exports(env)), ENV_FILE,
                    "--chdir", cwd or HOME]
        return options

    def _drop(self) -> list[str]:
        """What runs first inside: the limits, then (root worker) the switch to the unprivileged uid."""
        if self.host_uid is None:
            return self.limits.prlimit()
        return [*self.limits.prlimit(), "setpriv", f"--reuid={self.host_uid}", f"--regid={self.host_uid}",
                "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]


class EtcCopy:
    """The sandbox's /etc: the entries of ETC copied into one directory (made again when one of them
    changes), plus its own files, so that bwrap mounts /etc once, not once per file."""

    def __init__(self, own: Mapping[str, str]):
        self.own = dict(own)  # name -> text
        self.lock = threading.Lock()
        self.signature: tuple | None = None
        self.path: str | None = None

    def current(self) -> str:
        signature = tuple(_stat(f"/etc/{name}") for name in ETC)
        with self.lock:
            if signature != self.signature:
                self.path, self.signature = self._copy(), signature
            return self.path

    def _copy(self) -> str:
        directory = tempfile.mkdtemp(prefix=build_leftovers.ETC_PREFIX, dir=HOST_TMP)
        atexit.register(shutil.rmtree, directory, True)
        build_leftovers.claim(Path(directory))  # a killed worker's copy: swept by the next build
        os.chmod(directory, 0o755)
        for name in ETC:
            source, target = f"/etc/{name}", os.path.join(directory, name)
            if os.path.islink(source) and os.path.realpath(source).startswith(tuple(f"{s}/" for s in SYSTEM)):
                os.symlink(os.readlink(source), target)  # into /usr, which the sandbox has
            elif os.path.isdir(source):  # modes kept: what the build's uid could not read, it still cannot
                shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns("private"))
            elif os.path.isfile(source):
                shutil.copy2(source, target)  # through a link elsewhere (resolv.conf -> /run/...)
        for name, text in self.own.items():
            Path(directory, name).write_text(text)
            os.chmod(os.path.join(directory, name), 0o644)
        return directory


def _stat(path: str) -> tuple | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


def readable_repository(url: str, data_dir: Path) -> list[str]:
    """What a clone of `url` must read: a local repository's directory (a path or file:// URL), for
    `command(readable=...)`; nothing for a remote. ValueError for the data dir or a build's directory."""
    if url.startswith("file://"):
        path = unquote(urlsplit(url).path)
    elif "://" in url or ":" in url.split("/", 1)[0]:
        return []  # https://, ssh://, host:path
    else:
        path = url
    path = os.path.realpath(path)
    data = os.path.realpath(data_dir)
    builds = os.path.join(os.path.realpath(tempfile.gettempdir()), build_leftovers.PREFIX)
    if path == data or path.startswith(data + os.sep) or path.startswith(builds):
        raise ValueError("the repository may not be a path inside the server's data directory or a build's directory")
    return [path] if os.path.isdir(path) else []


def python_installation() -> list[str]:
    """The builder's Python (Sphinx and MkDocs live there), outside the system directories."""
    paths = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))}
    return sorted(p for p in paths if not any(p == s or p.startswith(s + "/") for s in SYSTEM))


def _ancestors(paths: Iterable[str], below: str = "/") -> list[str]:
    """The directories bwrap must make above `paths` (parents first, once each): those strictly below
    `below`, but not in what is mounted whole (/proc, /dev, the system; /tmp unless below it)."""
    mounted = ("/proc", "/dev", *SYSTEM, *(("/tmp",) if below == "/" else ()))
    found: list[str] = []
    for path in paths:
        for parent in map(str, reversed(Path(path).parents)):
            inside = parent != below and parent.startswith(below.rstrip("/") + "/")
            if inside and not any(parent == m or parent.startswith(m + "/") for m in mounted) and parent not in found:
                found.append(parent)
    return found


def _under_tmp(path: str) -> bool:
    return path.startswith("/tmp/")


def _data(fds: list[int], name: str, text: str) -> str:
    """An fd bwrap reads `text` from (memory only, nothing on disk)."""
    fd = os.memfd_create(f"docsplane-{name}", 0)
    fds.append(fd)
    os.write(fd, text.encode())
    os.lseek(fd, 0, os.SEEK_SET)
    return str(fd)


def _exports(env: Mapping[str, str]) -> str:
    """The environment as a script for /bin/sh (only names the shell takes: ASCII letters, digits, '_')."""
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in env.items() if SHELL_NAME.fullmatch(name))
