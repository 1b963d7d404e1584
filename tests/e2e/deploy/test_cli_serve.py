"""The real command line, as a user runs it: `docsplane users create`, then `docsplane serve`, which
on a fresh machine (no broker) also runs the builds it is asked for."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from e2e_support import SEED_PROJECT, docsplane_command, project_body
from git_support import build_config, git_repository


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(data_dir: Path) -> dict:
    # Only our data directory: no event-store or read-model settings leak in from the caller.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DOCSPLANE_", "POSTGRES_", "SQLITE_", "PERSISTENCE_"))}
    env["DOCSPLANE_DATA_DIR"] = str(data_dir)
    return env


@contextmanager
def _serving(env, cwd) -> Iterator[str]:
    """`docsplane serve` on a free port, once it answers; yields its URL and stops it after."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([*docsplane_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, f"docsplane serve exited:\n{server.stdout.read()}"
            try:
                if requests.get(f"{url}/api/v3/", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "docsplane serve did not answer within 30 s"
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        server.stdout.close()


def _run(env, cwd, *args) -> subprocess.CompletedProcess:
    done = subprocess.run([*docsplane_command(), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done


def test_users_create_then_serve(tmp_path):
    # No build worker: the build stays `triggered` (the seed's repository is not cloned), so that
    # the read models are still while they are compared across a replay below.
    env = {**_environment(tmp_path / "data"), "DOCSPLANE_RUN_WORKER": "false"}
    created = subprocess.run([*docsplane_command(), "users", "create", "alice"], env=env, cwd=tmp_path,
                             capture_output=True, text=True, timeout=60)
    assert created.returncode == 0, created.stderr
    token = created.stdout.split()[-1]
    assert len(token) >= 32 and "alice" in created.stdout

    with _serving(env, tmp_path) as url:
        headers = {"Authorization": f"Token {token}"}
        response = requests.post(f"{url}/api/v3/projects/", json=SEED_PROJECT, headers=headers, timeout=30)
        assert response.status_code == 201, response.text
        assert response.headers["Location"] == f"{url}/api/v3/projects/test-project/"
        assert response.json()["users"] == [{"username": "alice"}]

        response = requests.post(f"{url}/api/v3/projects/test-project/versions/latest/builds/", headers=headers, timeout=30)
        assert response.status_code == 201, response.text
        build = response.json()["build"]
        assert isinstance(build["id"], int) and build["state"]["code"] == "triggered"
        detail = requests.get(response.headers["Location"], headers=headers, timeout=30)
        assert detail.status_code == 200 and detail.json()["id"] == build["id"]

        assert requests.get(f"{url}/api/v3/projects/", timeout=30).status_code == 401

        # An operator rebuilds the read models while the server runs: GETs answer the same after.
        before = requests.get(f"{url}/api/v3/projects/test-project/", headers=headers, timeout=30).json()
        replayed = _run(env, tmp_path, "replay")
        assert "builds: rebuilt from 1 events" in replayed.stdout
        after = requests.get(f"{url}/api/v3/projects/test-project/", headers=headers, timeout=30).json()
        assert after == before

        # A second token works at once, and the first one still does.
        second = _run(env, tmp_path, "users", "token", "alice").stdout.split()[-1]
        assert second != token
        for each in (token, second):
            answer = requests.get(f"{url}/api/v3/projects/", headers={"Authorization": f"Token {each}"}, timeout=30)
            assert answer.status_code == 200 and answer.json()["count"] == 1

        # Creating an existing user fails clearly, without a traceback.
        again = subprocess.run([*docsplane_command(), "users", "create", "alice"], env=env, cwd=tmp_path,
                               capture_output=True, text=True, timeout=60)
        assert again.returncode == 1 and "already exists" in again.stderr and "Traceback" not in again.stderr
    # The data lives where DOCSPLANE_DATA_DIR said.
    assert (tmp_path / "data" / "events.sqlite3").exists()


def test_serve_on_a_fresh_machine_runs_the_builds_it_is_asked_for(tmp_path):
    env = _environment(tmp_path / "data")
    token = _run(env, tmp_path, "users", "create", "alice").stdout.split()[-1]
    repo = git_repository(tmp_path / "repo", build_config("echo built by serve"))
    headers = {"Authorization": f"Token {token}"}
    with _serving(env, tmp_path) as url:
        body = project_body("Local Docs", repository={"url": f"file://{repo}", "type": "git"})
        assert requests.post(f"{url}/api/v3/projects/", json=body, headers=headers, timeout=30).status_code == 201
        response = requests.post(f"{url}/api/v3/projects/local-docs/builds/", json={}, headers=headers, timeout=30)
        assert response.status_code == 201, response.text
        deadline = time.monotonic() + 30
        while (build := requests.get(response.headers["Location"], headers=headers, timeout=30).json())["state"]["code"] != "finished":
            assert time.monotonic() < deadline, f"the build did not finish within 30 s: {build}"
            time.sleep(0.1)
        assert build["success"] is True, build["error"]
        commands = requests.get(build["_links"]["commands"], headers=headers, timeout=30).json()["results"]
        assert "built by serve\n" in [c["output"] for c in commands]
        version = requests.get(f"{url}/api/v3/projects/local-docs/versions/latest/", headers=headers, timeout=30).json()
        assert version["built"] is True
