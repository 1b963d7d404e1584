"""README command 1 on a fresh machine: after a first build, the version's documentation URL opens on the
port `docsplane serve` listens on; and `docsplane docs-server` serves the same data on its own, without
ever opening the event store."""

from __future__ import annotations

import subprocess
import time
from urllib.parse import urlsplit

import requests

from e2e_support import project_body
from git_support import git_repository
from e2e_support import docsplane_command
from test_cli_serve import _environment, _free_port, _run, _serving

FILES = {".readthedocs.yaml": "version: 2\nbuild:\n  os: ubuntu-24.04\n  tools:\n    python: '3.12'\nsphinx:\n  configuration: docs/conf.py\n",
         "docs/conf.py": "project = 'First'\n", "docs/index.rst": "First\n=====\n\nRead me after command 1.\n"}


def open_in_browser(url: str, server: str) -> requests.Response:
    """What a browser does with `http://<project>.docs.localhost:<port>/…`: *.localhost is 127.0.0.1."""
    parts = urlsplit(url)
    return requests.get(f"{server}{parts.path}", headers={"Host": parts.netloc}, timeout=30)


def test_the_first_builds_documentation_opens_where_the_api_is(tmp_path):
    env = _environment(tmp_path / "data")
    headers = {"Authorization": f"Token {_run(env, tmp_path, 'users', 'create', 'alice').stdout.split()[-1]}"}
    repo = git_repository(tmp_path / "repo", FILES)
    with _serving(env, tmp_path) as url:
        body = project_body("First Docs", language="en", repository={"url": repo.as_uri(), "type": "git"})
        assert requests.post(f"{url}/api/v3/projects/", json=body, headers=headers, timeout=30).status_code == 201
        location = requests.post(f"{url}/api/v3/projects/first-docs/builds/", json={}, headers=headers, timeout=30).headers["Location"]
        deadline = time.monotonic() + 120
        while (build := requests.get(location, headers=headers, timeout=30).json())["state"]["code"] != "finished":
            assert time.monotonic() < deadline, build
            time.sleep(0.2)
        assert build["success"] is True, build["error"]
        documentation = requests.get(f"{url}/api/v3/projects/first-docs/", headers=headers, timeout=30).json()["urls"]["documentation"]
        assert documentation == f"http://first-docs.docs.localhost:{urlsplit(url).port}/en/latest/"
        assert "Read me after command 1." in open_in_browser(documentation, url).text

    port = _free_port()
    # The docs host reads read models only: an event store that cannot be reached does not matter to it.
    unreachable = {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": str(_free_port()),
                   "POSTGRES_DBNAME": "nowhere", "POSTGRES_USER": "nobody", "POSTGRES_PASSWORD": ""}
    alone = subprocess.Popen([*docsplane_command(), "docs-server", "--port", str(port)], env={**env, **unreachable}, cwd=tmp_path,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                page = open_in_browser(documentation, f"http://127.0.0.1:{port}")
                break
            except requests.ConnectionError:
                assert alone.poll() is None and time.monotonic() < deadline, "docsplane docs-server did not answer"
                time.sleep(0.1)
        assert page.status_code == 200 and "Read me after command 1." in page.text
        assert requests.get(f"http://127.0.0.1:{port}/api/v3/", timeout=30).status_code == 404  # docs only
    finally:
        alone.terminate()
        alone.wait(timeout=10)
