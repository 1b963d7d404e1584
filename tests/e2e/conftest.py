"""End-to-end fixtures: the real WSGI app served by waitress on a real socket, over real storage.

- `start_live_server(backend, projector=True, background=False, **env_overrides) -> LiveServer`
      builds the container from `make_settings(backend, **env_overrides)`, optionally runs the
      projector loop in a thread, or with `background` every loop `docsplane serve` runs beside
      the API (workers/following/background.py: dispatcher, build worker...), and serves the API on a free
      port. Everything started is shut down after the test.
- `live_server`  the same, for the parametrized `backend`, with the projector running.
- `browser`  a headless Chromium driven by selenium; skipped without chromium and chromedriver,
      failed instead under CI=true (.ci/run installs them).
- `own_database` a PostgreSQL database of the test's own, `(name, reachable)`: `reachable(False)`
      refuses new connections and ends every open one (as a server going down), `reachable(True)`
      lets them in again; the shared server keeps running for everybody else.

A `LiveServer` has `.url` (http://127.0.0.1:PORT), `.docsplane` (the container), `.token(name)`
(create a user, make it visible to authentication, return its API token) and `.request(...)`
(a `requests` call with `Authorization: Token <t>` and a timeout).
"""

from __future__ import annotations

import shutil
import threading
import time
import uuid
from dataclasses import dataclass, field

import psycopg2
import pytest
from missing_part import missing as part_missing
import requests
from waitress import wasyncore

from docsplane.web import api_and_docs_app
from docsplane.bootstrap import build
from docsplane.http_server import create_server
from e2e_support import SEED_PROJECT
from workers.following.background import Background, projector_loop, serving

HTTP_TIMEOUT = 30


@dataclass
class LiveServer:
    url: str
    docsplane: object
    background: Background | None = None
    _stoppers: list = field(default_factory=list, repr=False)

    def token(self, username: str) -> str:
        """A new user's API token, usable as soon as this returns."""
        written = self.docsplane.users.create_user(username)
        self.docsplane.catch_up()
        return written.value

    def request(self, method: str, path_or_url: str, token: str | None = None, **kwargs) -> requests.Response:
        url = path_or_url if path_or_url.startswith("http") else self.url + path_or_url
        headers = dict(kwargs.pop("headers", None) or {})
        if token is not None:
            headers.setdefault("Authorization", f"Token {token}")
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        kwargs.setdefault("allow_redirects", False)
        return requests.request(method, url, headers=headers, **kwargs)

    def get(self, path, token=None, **kwargs):
        return self.request("GET", path, token, **kwargs)

    def post(self, path, token=None, **kwargs):
        return self.request("POST", path, token, **kwargs)

    def patch(self, path, token=None, **kwargs):
        return self.request("PATCH", path, token, **kwargs)

    def log_head(self) -> int:
        """The event log's last notification id (0 when empty)."""
        return self.docsplane.app.recorder.max_notification_id() or 0


def _serve(server, stop: threading.Event) -> None:
    """waitress's serving loop (server.run()), in slices so that it can stop; the sockets are
    closed by this same thread, so the loop never polls a descriptor closed under it."""
    try:
        while not stop.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, count=1)
    finally:
        server.close()
        wasyncore.close_all(server._map)


@pytest.fixture
def start_live_server(make_settings):
    started: list[LiveServer] = []

    def start(backend: str, projector: bool = True, background: bool = False, **overrides) -> LiveServer:
        # Tests send many token-less requests from one address within a minute; the rate-limit
        # tests set their own limits.
        overrides = {"DOCSPLANE_RATE_LIMIT_ANONYMOUS": "off", **overrides}
        docsplane = build(make_settings(backend, **overrides))
        stoppers = [docsplane.close]  # run in reverse order: server, background loops, then storage
        running = None
        try:
            if background:
                running = serving(docsplane)
            elif projector:
                running = Background(docsplane)
                running.start(projector_loop(docsplane))
            if running is not None:
                stoppers.append(running.stop)
            # More request threads than `docsplane serve`'s default 8, and than the read store's
            # 10 PostgreSQL connections: concurrent requests must queue for them, not fail.
            server = create_server(api_and_docs_app(docsplane), host="127.0.0.1", port=0, threads=16, ident="docsplane-e2e",
                                   max_body_bytes=docsplane.settings.max_body_bytes)
            stop_serving = threading.Event()
            server_thread = threading.Thread(target=_serve, args=(server, stop_serving), name="waitress", daemon=True)
            server_thread.start()

            def stop_server(server=server, thread=server_thread, stop=stop_serving):
                stop.set()
                thread.join(timeout=5)
                server.task_dispatcher.shutdown()

            stoppers.append(stop_server)
        except BaseException:
            for stop in reversed(stoppers):
                stop()
            raise
        live = LiveServer(url=f"http://127.0.0.1:{server.effective_port}", docsplane=docsplane, background=running,
                          _stoppers=stoppers)
        started.append(live)
        return live

    yield start
    for live in reversed(started):
        for stop in reversed(live._stoppers):
            stop()


@pytest.fixture
def live_server(backend, start_live_server) -> LiveServer:
    return start_live_server(backend)


@pytest.fixture
def alice(live_server) -> str:
    """alice's token (every project, write)."""
    return live_server.token("alice")


@pytest.fixture
def bob(live_server) -> str:
    """Another user's token: maintains nothing of alice's."""
    return live_server.token("bob")


@pytest.fixture
def project(live_server, alice) -> str:
    """The seed's project ("Test Project"), imported by alice; its slug."""
    response = live_server.post("/api/v3/projects/", alice, json=SEED_PROJECT)
    assert response.status_code == 201, response.text
    return "test-project"


@pytest.fixture
def own_database(postgres_url):
    """A database of this test's own, which it may make unreachable (the shared server keeps running).
    Ask for it before `start_live_server`, so that it outlives the server."""
    name = f"docsplane_outage_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}"')

    def reachable(allowed: bool) -> None:
        _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}')
        if not allowed:
            _admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", name)
            # pg_terminate_backend only signals: wait until they are gone, as after a real restart
            deadline = time.monotonic() + 10
            while _admin("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", name)[0]:
                assert time.monotonic() < deadline, "the database's connections did not end"
                time.sleep(0.05)

    try:
        yield name, reachable
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(sql: str, *args):
    """One statement on a connection of its own (so that it works after a server restart too)."""
    admin = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=5)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql, args or None)
            return cursor.fetchone() if cursor.description else None
    finally:
        admin.close()


WAIT_SECONDS = 15


@pytest.fixture
def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    chromedriver = shutil.which("chromedriver")
    missing = [name for name, path in (("chromium", chromium), ("chromedriver", chromedriver)) if path is None]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing.append("selenium (the Python package)")
    if missing:
        part_missing(f"headless Chromium test needs {', '.join(missing)}: apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(chromedriver))
    driver.set_page_load_timeout(WAIT_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()
