"""Hostile repositories on the real build runner (workers/sandbox/sandbox.py): a build's commands try to read
the server's secrets, the stores, other builds and the worker's environment, to write outside their
home, to exhaust processes, output and disk, and to smuggle the secrets key out through a symbolic
link. Nothing of it may reach the recorded output or the events; the build ends clearly."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from missing_part import missing

from docsplane.health import system_status
from docsplane.status_table import render
from git_support import build_config, commit, git_repository
from integration_support import event_log, project_settings
from workers.sandbox.safe_tree import safe_tree_files
from workers.builds.step import run_step
from workers.sandbox.bubblewrap import readable_repository
from workers.sandbox.sandbox import SandboxRefused, sandbox_for
from workers.wiring import build_runner

CANARY = "canary-of-the-worker-7f3a"  # in the worker's environment only


@pytest.fixture(autouse=True)
def bwrap_required():
    if shutil.which("bwrap") is None:
        missing("bwrap (Debian package bubblewrap) is not installed")


@pytest.fixture
def hostile(make_settings, open_docsplane, tmp_path, monkeypatch, caplog):
    """`hostile(files, links, **env)`: (succeeded, build, outputs, docsplane) of one build of a
    repository holding `files` and symbolic `links` (path -> target, "{data_dir}" filled in), with
    the worker's environment holding CANARY."""
    monkeypatch.setenv("DOCSPLANE_CANARY", CANARY)
    repos = iter(range(100))
    logged.clear()

    def run(files: dict[str, str], links: dict[str, str] | None = None, **env):
        docsplane = open_docsplane(make_settings("sqlite", **env))
        repo = git_repository(tmp_path / f"repo-{next(repos)}", files)
        for link, target in (links or {}).items():
            (repo / link).parent.mkdir(parents=True, exist_ok=True)
            (repo / link).symlink_to(target.format(data_dir=docsplane.settings.data_dir))
            commit(repo, {})
        slug = docsplane.projects.import_project(
            "alice", project_settings("Hostile", repository={"url": str(repo), "type": "git"})).value
        number = docsplane.builds.trigger_build("alice", slug, None).value
        succeeded = build_runner(docsplane).run(number)
        docsplane.catch_up()
        build = docsplane.read_model.build(slug, number)
        commands = docsplane.build_command_queries.list(number, limit=100, offset=0).results
        logged.append(caplog.text)
        return succeeded, build, [c["output"] for c in commands], docsplane

    return run


logged: list[str] = []  # the worker's log records of the last hostile build


@pytest.fixture
def canary_process():
    """A process of the server's with CANARY in its environment (/proc/<pid>/environ shows a process's
    environment as it started: the test's own monkeypatched one would not)."""
    process = subprocess.Popen(["sleep", "60"], env={**os.environ, "DOCSPLANE_CANARY": CANARY})
    yield process
    process.kill()
    process.wait()


def secrets_of(docsplane) -> list[bytes]:
    key = (docsplane.settings.data_dir / "secrets.key").read_bytes().strip()
    return [key, CANARY.encode()]


def assert_nothing_leaked(docsplane, outputs: list[str]) -> None:
    for secret in secrets_of(docsplane):
        assert not any(secret.decode() in output for output in outputs)
        assert [n.topic for n in event_log(docsplane) if secret in n.state] == []
        assert not any(secret.decode() in text for text in logged)
    assert not any("SQLite format 3" in output for output in outputs)


def test_a_build_sees_none_of_the_servers_files_nor_its_processes(hostile, make_settings, canary_process):
    other_build = Path(tempfile.gettempdir(), "docsplane-build-999999-planted", "home", "checkout")
    other_build.mkdir(parents=True, exist_ok=True)
    (other_build / "secret.txt").write_text(CANARY)
    host_tmp = Path(tempfile.mkstemp(prefix="docsplane-host-")[1])
    host_tmp.write_text(CANARY)
    data = make_settings("sqlite").data_dir.parent  # where every test container's data dir lives
    try:
        commands = [
            f"cat {data}/data-*/secrets.key", f"cat {data}/data-*/events.sqlite3 {data}/data-*/readmodels.sqlite3",
            f"cat {other_build}/secret.txt", f"cat {host_tmp}", "cat /proc/*/environ", f"cat /proc/{canary_process.pid}/environ", "ls /proc",
            f"ls {Path.cwd()} /root /work /var", "cat /etc/shadow", "hostname", "id -un",
        ]
        succeeded, build, outputs, docsplane = hostile(build_config(*(f"{c}; true" for c in commands)))
    finally:
        shutil.rmtree(other_build.parent.parent)
        host_tmp.unlink()

    assert succeeded is True, build["error"]
    assert_nothing_leaked(docsplane, outputs)
    ran = dict(zip(commands, outputs[2:]))
    assert "No such file or directory" in ran[f"cat {data}/data-*/secrets.key"]
    assert "No such file or directory" in ran[f"cat {other_build}/secret.txt"]
    assert len([p for p in ran["ls /proc"].split() if p.isdigit()]) <= 4  # the sandbox's own, not the host's
    assert ran["hostname"] == "docsplane-build\n" and ran["id -un"] == "docs\n"


def test_a_build_cannot_write_outside_its_home(hostile, make_settings):
    data_dir = make_settings("sqlite").data_dir.parent
    marker = f"docsplane-written-{os.getpid()}-{time.monotonic_ns()}"
    host_tmp = Path(tempfile.gettempdir(), marker)
    commands = [f"touch {data_dir}/{marker}", f"echo x > {host_tmp} && cat {host_tmp}", f"touch /usr/{marker}",
                f"touch /etc/{marker}", f"touch {sys.prefix}/{marker}", f"touch $HOME/{marker} && echo home ok",
                f"echo y > /var/tmp/{marker} && cat /tmp/{marker}"]
    succeeded, build, outputs, docsplane = hostile(build_config(*(f"{c}; true" for c in commands)))

    assert succeeded is True, build["error"]
    assert outputs[3] == "x\n"  # its own /tmp ...
    assert not host_tmp.exists()  # ... is not the host's
    for path in (data_dir / marker, Path("/usr", marker), Path("/etc", marker), Path(sys.prefix, marker)):
        assert not path.exists()
    assert "Read-only file system" in outputs[4] and outputs[7] == "home ok\n" and outputs[8] == "y\n"


def test_a_fork_bomb_is_bounded_and_ends_with_the_step(hostile):
    bomb = "bomb() { bomb | bomb & }; bomb; exec sleep 30"
    started = time.monotonic()
    succeeded, build, outputs, docsplane = hostile(build_config(bomb), DOCSPLANE_BUILD_PROCESSES_MAX=64,
                                                   DOCSPLANE_BUILD_STEP_TIMEOUT=3)

    assert time.monotonic() - started < 20
    assert succeeded is False
    assert build["error"] == ("the command timed out after 3 seconds, having reached the build's limit of 64 processes "
                              "(DOCSPLANE_BUILD_PROCESSES_MAX): bomb() { bomb | bomb & }; bomb; exec sleep 30")
    assert "Cannot fork" in outputs[-1]
    assert subprocess.run(["true"]).returncode == 0  # the host still forks
    time.sleep(0.5)
    survivors = [p for p in Path("/proc").glob("[0-9]*/cmdline") if b"bomb()" in _read(p)]
    assert survivors == []


def _running(pid: str) -> bool:
    """Not gone, nor a zombie (an orphan waits for whoever reaps it)."""
    stat = _read(Path(f"/proc/{pid}/stat"))
    return bool(stat) and stat.rsplit(b")", 1)[1].split()[0] != b"Z"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def test_output_and_disk_past_their_limits_end_the_build_clearly(hostile):
    succeeded, build, outputs, _ = hostile(build_config("yes | head -c 5000000", "head -c 2000000 /dev/zero > big"),
                                           DOCSPLANE_BUILD_OUTPUT_MAX=1000, DOCSPLANE_BUILD_DISK_MAX=1_000_000)

    assert "bytes of output omitted; a command's output is capped at 1000 bytes" in outputs[2]
    assert succeeded is False
    assert build["error"] == ("the command reached the build's disk limit of 1000000 bytes per file "
                              "(DOCSPLANE_BUILD_DISK_MAX): head -c 2000000 /dev/zero > big")


def test_many_files_past_the_disk_limit_end_the_build_clearly(hostile):
    fill = "for i in 1 2 3 4; do head -c 400000 /dev/urandom > f$i; done"
    succeeded, build, _, _ = hostile(build_config(fill, "echo never"), DOCSPLANE_BUILD_DISK_MAX=1_000_000)

    assert succeeded is False
    assert build["error"].startswith("the build uses ")
    assert build["error"].endswith("bytes of disk, more than its limit of 1000000 bytes (DOCSPLANE_BUILD_DISK_MAX)")


def test_a_symbolic_link_to_the_secrets_key_does_not_leak(hostile):
    show = 'ls -la "$READTHEDOCS_OUTPUT/html/_static"; cat "$READTHEDOCS_OUTPUT/html/_static/key.txt"; true'
    files = {"docs/conf.py": "project = 'Hostile'\nhtml_static_path = ['_static']\n",
             "docs/index.rst": "Hostile\n=======\n", "docs/_static/style.css": "p {}\n",
             ".readthedocs.yaml": f"version: 2\nsphinx:\n  configuration: docs/conf.py\nbuild:\n  jobs:\n"
                                  f"    post_build:\n      - {show!r}\n"}
    links = {"docs/_static/key.txt": "{data_dir}/secrets.key"}
    succeeded, build, outputs, docsplane = hostile(files, links)

    assert_nothing_leaked(docsplane, outputs)
    assert succeeded is True, build["error"]
    assert "style.css" in outputs[-1] and "key.txt: No such file or directory" in outputs[-1]  # not even visible


def test_a_configuration_file_linked_out_of_the_repository_is_refused(hostile):
    succeeded, build, outputs, docsplane = hostile({"README": "x\n"}, {".readthedocs.yaml": "{data_dir}/secrets.key"})

    assert succeeded is False
    assert build["error"] == "invalid build configuration: .readthedocs.yaml is a symbolic link out of the repository"
    assert_nothing_leaked(docsplane, outputs)


def test_a_repository_inside_the_data_dir_is_refused(make_settings, open_docsplane):
    docsplane = open_docsplane(make_settings("sqlite"))
    slug = docsplane.projects.import_project(
        "alice", project_settings("Inside", repository={"url": str(docsplane.settings.data_dir), "type": "git"})).value
    number = docsplane.builds.trigger_build("alice", slug, None).value

    assert build_runner(docsplane).run(number) is False
    docsplane.catch_up()
    assert docsplane.read_model.build(slug, number)["error"] == (
        "the repository may not be a path inside the server's data directory or a build's directory")


def test_without_the_sandbox_every_build_says_so_first(hostile):
    succeeded, build, outputs, _ = hostile(build_config("echo hi"), DOCSPLANE_BUILD_SANDBOX="none")

    assert succeeded is True, build["error"]
    assert outputs[0].startswith("[docsplane: WARNING: this build is NOT sandboxed (DOCSPLANE_BUILD_SANDBOX=none)")
    assert not any("NOT sandboxed" in output for output in outputs[1:])


def test_safe_tree_files_drops_links_out_of_the_tree_and_special_files(tmp_path):
    outside = tmp_path / "secrets.key"
    outside.write_text("secret")
    tree = tmp_path / "output"
    (tree / "html" / "_static").mkdir(parents=True)
    (tree / "html" / "index.html").write_text("<p>hi</p>")
    (tree / "html" / "_static" / "key.txt").symlink_to(outside)
    (tree / "html" / "_static" / "up").symlink_to(tmp_path)  # a directory out of the tree
    (tree / "html" / "same.html").symlink_to(tree / "html" / "index.html")  # inside: kept, as its target
    (tree / "html" / "loop").symlink_to("loop")
    os.mkfifo(tree / "html" / "fifo")
    dropped: list[str] = []

    files = {str(relative): real for relative, real in safe_tree_files(tree, dropped)}

    assert files == {"html/index.html": tree / "html" / "index.html", "html/same.html": tree / "html" / "index.html"}
    assert sorted(dropped) == ["html/_static/key.txt", "html/_static/up", "html/fifo", "html/loop"]


SANDBOXED_SLEEP = """
import subprocess, sys, time
from pathlib import Path
from docsplane.settings import Settings
from workers.sandbox.sandbox import sandbox_for
sandbox = sandbox_for(Settings.from_env())
home = Path(sys.argv[2])
sandbox.hand_over(home)
with sandbox.command(["sleep", sys.argv[1]], "/home/docs", {"PATH": "/usr/bin:/bin"}, home) as popen:
    subprocess.Popen(**popen, start_new_session=True)
time.sleep(60)
"""


def sandboxed_sleeps(marker: str) -> list[Path]:
    return [p.parent for p in Path("/proc").glob("[0-9]*/cmdline") if _read(p) == f"sleep\0{marker}\0".encode()]


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_a_killed_workers_sandbox_dies_with_it(make_settings, tmp_path):
    marker = f"60.{os.getpid()}{time.monotonic_ns() % 100000}"
    env = {**os.environ, **make_settings("sqlite").as_environ()}
    (tmp_path / "home").mkdir()
    worker = subprocess.Popen([sys.executable, "-c", SANDBOXED_SLEEP, marker, str(tmp_path / "home")], env=env,
                              cwd=Path(__file__).parents[3])
    try:
        wait_until(lambda: sandboxed_sleeps(marker), 15, "the sandboxed step")
        slirps = slirps_of(worker.pid)  # the step's network (isolated, the default), when slirp4netns is installed
        assert len(slirps) == (1 if shutil.which("slirp4netns") else 0)
    finally:
        worker.kill()
        worker.wait()
    wait_until(lambda: not sandboxed_sleeps(marker), 5, "the step to die with its worker")
    wait_until(lambda: not any(_running(pid) for pid in slirps), 5, "its slirp4netns to end")


def test_the_next_build_ends_a_sandbox_left_in_a_dead_workers_directory(hostile, make_settings, tmp_path, monkeypatch):
    """Should a sandbox outlive its worker, its bwrap still works in the build's home: found there."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead_worker = subprocess.Popen(["true"])
    dead_worker.wait()
    left = tmp_path / "docsplane-build-7-abc"
    (left / "home").mkdir(parents=True)
    (left / ".docsplane-owner").write_text(f"{dead_worker.pid} 1")
    left_etc = tmp_path / "docsplane-sandbox-etc-abc"  # the copy of /etc its sandboxes used
    left_etc.mkdir()
    (left_etc / ".docsplane-owner").write_text(f"{dead_worker.pid} 1")
    marker = f"60.{os.getpid()}{time.monotonic_ns() % 100000}"
    env = {**os.environ, **make_settings("sqlite").as_environ()}
    orphan = subprocess.Popen([sys.executable, "-c", SANDBOXED_SLEEP, marker, str(left / "home")], env=env,
                              cwd=Path(__file__).parents[3])
    try:
        wait_until(lambda: sandboxed_sleeps(marker), 15, "the orphaned step")

        succeeded, build, _, _ = hostile(build_config("echo hi"))

        assert succeeded is True, build["error"]
        wait_until(lambda: not sandboxed_sleeps(marker), 5, "the orphaned step to be killed")
        assert not left.exists() and not left_etc.exists()
    finally:
        orphan.kill()
        orphan.wait()


@pytest.fixture
def without_bwrap(tmp_path, monkeypatch) -> str:
    """A PATH with git but no bwrap (the sandbox's probe is cached per bwrap found)."""
    directory = tmp_path / "bin-without-bwrap"
    directory.mkdir()
    (directory / "git").symlink_to(shutil.which("git"))
    monkeypatch.setenv("PATH", str(directory))
    return str(directory)


def test_without_bwrap_the_embedded_default_builds_and_says_so_loudly(hostile, without_bwrap, caplog):
    succeeded, build, outputs, docsplane = hostile(build_config("echo hi"))

    assert succeeded is True, build["error"]
    assert outputs[0].startswith("[docsplane: WARNING: this build is NOT sandboxed (bwrap is not installed)")
    assert "BUILDS ARE NOT SANDBOXED: bwrap is not installed" in caplog.text
    report = system_status(docsplane)
    assert report["sandbox"] == {"mode": "bwrap", "active": False,
                                 "message": "builds are NOT sandboxed: bwrap is not installed"}
    assert report["status"] == "degraded" and "builds are NOT sandboxed: bwrap is not installed" in report["problems"]
    assert "build sandbox: OFF (DOCSPLANE_BUILD_SANDBOX=bwrap)" in render(report)


def test_the_health_report_shows_the_sandbox_on(make_settings, open_docsplane, slirp_required):
    report = system_status(open_docsplane(make_settings("sqlite")))

    assert report["sandbox"] == {
        "mode": "bwrap", "active": True, "message": "every build step runs in a bubblewrap sandbox",
        "network": {"mode": "isolated", "active": "isolated",
                    "message": "own network namespace through slirp4netns: outbound only, not this host's loopback"}}
    assert report["problems"] == []


def run_worker(settings) -> subprocess.CompletedProcess:
    """`docsplane worker` with `settings`, to its end (a refusal)."""
    script = Path(sys.executable).parent / "docsplane"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "docsplane.cli"]
    return subprocess.run([*command, "worker"], env={**os.environ, **settings.as_environ()}, capture_output=True,
                          text=True, timeout=60, cwd=Path(__file__).parents[3])


def test_a_worker_on_postgresql_refuses_to_start_without_a_sandbox(make_settings, amqp_url, without_bwrap):
    result = run_worker(make_settings("postgres", DOCSPLANE_AMQP_URL=amqp_url))

    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (  # (above it: the secrets key generated)
        "error: a build worker needs a working sandbox and bwrap is not installed: install bubblewrap "
        "(Debian package bubblewrap) or set DOCSPLANE_BUILD_SANDBOX=none explicitly")
    assert result.stdout == ""


@pytest.fixture
def slirp_required():
    if shutil.which("slirp4netns") is None:
        missing("slirp4netns (Debian package slirp4netns) is not installed")


# Prints connect()'s errno: 0 connected, 111 (ECONNREFUSED) refused.
CONNECT = ('python -c "import socket, sys; print(socket.socket().connect_ex((sys.argv[1], int(sys.argv[2]))))" '
           '127.0.0.1 {port}')
CONNECTED, REFUSED = "0\n", "111\n"
NETWORK = ["cat /etc/resolv.conf", "cat /proc/net/route"]


def reach(hostile, **env) -> tuple[dict[str, str], list[str], object]:
    """What a build's steps answer, connecting to a server of the test's on 127.0.0.1 and to
    PostgreSQL's port, then showing their resolver and routes; the outputs of all its commands; its docsplane."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        commands = [CONNECT.format(port=server.getsockname()[1]), CONNECT.format(port=5432), *NETWORK]
        succeeded, build, outputs, docsplane = hostile(build_config(*commands), **env)
    assert succeeded is True, build["error"]
    return dict(zip(["listener", "postgresql", "resolver", "routes"], outputs[-4:])), outputs, docsplane


def default_routes(routes: str) -> list[str]:
    return [line.split()[0] for line in routes.splitlines()[1:] if line.split()[1] == "00000000"]


def slirps_of(pid: int | str = "self") -> list[str]:
    """The slirp4netns processes `pid` started and that still run."""
    children = [child for task in Path(f"/proc/{pid}/task").iterdir() for child in _read(task / "children").split()]
    return [child.decode() for child in children if _read(Path(f"/proc/{child.decode()}/comm")) == b"slirp4netns\n"]


def test_an_isolated_build_reaches_out_but_not_the_hosts_loopback(hostile, slirp_required):
    """The default: own network namespace through slirp4netns. The server's PostgreSQL, RabbitMQ,
    Redis and API listen on 127.0.0.1: none answers a build."""
    ran, _, _ = reach(hostile)

    assert ran["listener"] == REFUSED
    assert ran["postgresql"] == REFUSED
    assert ran["resolver"] == "nameserver 10.0.2.3\n"
    assert default_routes(ran["routes"]) == ["tap0"]
    wait_until(lambda: not slirps_of(), 5, "every step's slirp4netns to end")


def test_the_hosts_network_reaches_its_loopback(hostile):
    """The control, and what DOCSPLANE_BUILD_NETWORK=host asks for."""
    ran, _, _ = reach(hostile, DOCSPLANE_BUILD_NETWORK="host")

    assert ran["listener"] == CONNECTED
    assert ran["postgresql"] == f"{socket.socket().connect_ex(('127.0.0.1', 5432))}\n"  # as the host sees it
    assert default_routes(ran["routes"]) != []


def test_no_network_has_no_route(hostile):
    ran, _, _ = reach(hostile, DOCSPLANE_BUILD_NETWORK="none")

    assert ran["listener"] == REFUSED
    assert default_routes(ran["routes"]) == []
    assert ran["routes"].splitlines()[1:] == []


@pytest.fixture
def without_slirp(tmp_path, monkeypatch) -> str:
    """A PATH with git and bwrap but no slirp4netns."""
    directory = tmp_path / "bin-without-slirp"
    directory.mkdir()
    for program in ("git", "bwrap"):
        (directory / program).symlink_to(shutil.which(program))
    monkeypatch.setenv("PATH", str(directory))
    return str(directory)


def test_without_slirp4netns_the_embedded_default_uses_the_hosts_network_and_says_so(hostile, without_slirp, caplog):
    ran, outputs, docsplane = reach(hostile)

    assert ran["listener"] == CONNECTED
    assert outputs[0].startswith("[docsplane: WARNING: this build's network is NOT isolated (slirp4netns is not "
                                 "installed): its commands can connect to the server's own services on 127.0.0.1")
    assert not any("NOT isolated" in output for output in outputs[1:])
    assert "BUILDS CAN REACH THIS HOST'S LOOPBACK SERVICES: slirp4netns is not installed" in caplog.text
    report = system_status(docsplane)
    assert report["sandbox"]["active"] is True
    assert report["sandbox"]["network"]["mode"] == "isolated" and report["sandbox"]["network"]["active"] == "host"
    assert report["status"] == "degraded"
    assert report["problems"] == [report["sandbox"]["network"]["message"]]
    assert "slirp4netns is not installed" in report["problems"][0]
    assert "build network: host (DOCSPLANE_BUILD_NETWORK=isolated)" in render(report)


def test_a_slirp4netns_that_does_not_work_is_found_by_the_probe(make_settings, without_slirp, caplog):
    broken = Path(without_slirp, "slirp4netns")
    broken.write_text("#!/bin/sh\necho 'open(\"/dev/net/tun\"): Permission denied' >&2\nexit 1\n")
    broken.chmod(0o755)

    sandbox = sandbox_for(make_settings("sqlite"))

    assert (sandbox.enabled, sandbox.network) == (True, "host")
    assert sandbox.network_problem == ("slirp4netns does not work here: the sandbox got no network interface "
                                       "(the worker's log says why)")
    assert 'slirp4netns exited with 1: open("/dev/net/tun"): Permission denied' in caplog.text
    with pytest.raises(SandboxRefused, match="slirp4netns does not work here"):
        sandbox_for(make_settings("postgres"))


def test_on_postgresql_the_hosts_network_must_be_chosen_explicitly(make_settings, without_slirp):
    sandbox = sandbox_for(make_settings("postgres", DOCSPLANE_BUILD_NETWORK="host"))

    assert (sandbox.enabled, sandbox.network, sandbox.warning) == (True, "host", None)


def test_a_worker_on_postgresql_refuses_to_start_without_slirp4netns(make_settings, amqp_url, without_slirp):
    settings = make_settings("postgres", DOCSPLANE_AMQP_URL=amqp_url)

    result = run_worker(settings)

    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "error: a build worker isolates builds from the host's network and slirp4netns is not installed: install "
        "slirp4netns (Debian package slirp4netns) or set DOCSPLANE_BUILD_NETWORK=host explicitly")


def test_a_clone_reads_a_local_repository_but_never_the_data_dir(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    data_dir = tmp_path / "data"

    assert readable_repository(str(repo), data_dir) == [str(repo)]
    assert readable_repository(repo.as_uri(), data_dir) == [str(repo)]
    assert readable_repository("https://example.com/x.git", data_dir) == []
    assert readable_repository("git@example.com:x.git", data_dir) == []
    for inside in (data_dir, data_dir / "x", Path(tempfile.gettempdir(), "docsplane-build-1-abc", "home")):
        with pytest.raises(ValueError, match="may not be a path inside the server's data directory"):
            readable_repository(str(inside), data_dir)
    (tmp_path / "link").symlink_to(data_dir)
    with pytest.raises(ValueError):
        readable_repository(str(tmp_path / "link" / "x"), data_dir)


def test_memory_and_open_files_are_limited(hostile):
    allocate = 'python -c "bytearray(600 * 1024 * 1024)"'
    succeeded, build, outputs, _ = hostile(build_config(allocate), DOCSPLANE_BUILD_MEMORY_MAX=300 * 1024 * 1024)

    assert succeeded is False
    assert "MemoryError" in outputs[-1]

    open_files = 'python -c "import os; [os.dup(1) for _ in range(200)]"'
    succeeded, build, outputs, _ = hostile(build_config(open_files), DOCSPLANE_BUILD_OPEN_FILES_MAX=100)

    assert succeeded is False
    assert "Too many open files" in outputs[-1]


@pytest.mark.parametrize("mode", ["bwrap", "none"])
def test_any_caller_runs_a_command_sandboxed_without_a_build(make_settings, tmp_path, mode):
    """What version sync does: `git ls-remote` of a local repository, no build home."""
    repo = git_repository(tmp_path / "repo", {"README": "x\n"})
    settings = make_settings("sqlite", DOCSPLANE_BUILD_SANDBOX=mode)
    sandbox = sandbox_for(settings)

    result = run_step(f"git ls-remote -- {repo}; pwd", None, {"PATH": os.environ["PATH"]}, 30, 10_000,
                      sandbox=sandbox, readable=readable_repository(str(repo), settings.data_dir))

    assert result.exit_code == 0, result.output
    assert "refs/heads/main" in result.output
    assert result.output.splitlines()[-1] == ("/home/docs" if mode == "bwrap" else os.getcwd())


def test_a_build_cannot_reach_another_running_build(make_settings, open_docsplane, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where this test's builds make their homes
    docsplane = open_docsplane(make_settings("sqlite"))
    secret = f"other-build-{time.monotonic_ns()}"
    first = project_building(docsplane, tmp_path / "first", f"echo {secret} > $HOME/secret.txt; sleep 6")
    spy = "cat /tmp/docsplane-build-*/home/secret.txt; find /home /tmp /run /etc -name secret.txt 2>&1; ls /proc"
    second = project_building(docsplane, tmp_path / "second", spy)
    runner = build_runner(docsplane)
    running = threading.Thread(target=runner.run, args=(first,))
    running.start()
    try:
        wait_until(lambda: list(tmp_path.glob("docsplane-build-*/home/secret.txt")), 15, "the first build's secret")

        assert runner.run(second) is True
        assert list(tmp_path.glob("docsplane-build-*/home/secret.txt"))  # the first still running
    finally:
        running.join()
    docsplane.catch_up()
    outputs = [c["output"] for c in docsplane.build_command_queries.list(second, limit=100, offset=0).results]
    assert not any(secret in output for output in outputs)
    assert "No such file or directory" in outputs[-1]


def project_building(docsplane, path: Path, command: str) -> int:
    """A new project whose build runs `command`; the number of its triggered build."""
    repo = git_repository(path, build_config(command))
    slug = docsplane.projects.import_project(
        "alice", project_settings(path.name.title(), repository={"url": str(repo), "type": "git"})).value
    return docsplane.builds.trigger_build("alice", slug, None).value


def test_without_the_sandbox_the_same_build_reads_the_servers_environment(hostile, canary_process):
    """The control: what the tests above catch does happen when the sandbox is off."""
    succeeded, build, outputs, docsplane = hostile(build_config(f"cat /proc/{canary_process.pid}/environ"),
                                                   DOCSPLANE_BUILD_SANDBOX="none")

    assert succeeded is True, build["error"]
    assert CANARY in outputs[-1]


def test_a_builder_python_under_tmp_is_seen_in_the_sandbox(make_settings, tmp_path, monkeypatch):
    """A checkout (and its .venv) under /tmp: the sandbox's own /tmp must not hide the builder's Python."""
    import workers.sandbox.bubblewrap as sandbox_module

    python = tmp_path / "checkout" / ".venv"
    (python / "bin").mkdir(parents=True)
    (python / "bin" / "marker").write_text("the builder's python\n")
    monkeypatch.setattr(sandbox_module, "python_installation", lambda: [str(python)])
    sandbox = sandbox_for(make_settings("sqlite"))

    result = run_step(f"cat {python}/bin/marker; ls /tmp", None, {"PATH": os.environ["PATH"]}, 30, 10_000, sandbox=sandbox)

    assert result.exit_code == 0, result.output
    assert "the builder's python" in result.output
