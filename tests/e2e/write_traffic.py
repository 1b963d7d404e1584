"""A stream of real HTTP traffic for the fault tests: threads that import projects, PATCH them, add
environment variables, trigger builds and read, each request with an `X-Request-Id` of its own, so
that what the API acknowledged can be looked up in the event log afterwards (every event records the
request id of the request that wrote it).

    traffic = WriteTraffic(live.url, token, seed=7, threads=3, repository="file:///tmp/repo")
    traffic.start(); ...; traffic.stop()
    traffic.answers              # every request: kind, request id, status (None: no answer), elapsed
    traffic.acknowledged()       # the writes answered 2xx

Each thread writes only to the projects it imported, so writes of one thread never race another's
(a 409 would be a defect here, not a lost race). Builds are throttled (`build_interval`) so that the
build workers are busy without a backlog longer than the test."""

from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import dataclass

import requests

WRITES = ("import", "patch", "variable", "build")
HTTP_TIMEOUT = 90  # longer than any wait of the API itself: a request that hits it is a hang


@dataclass
class Answer:
    kind: str  # one of WRITES, or "read"
    request_id: str
    status: int | None  # None: no answer (connection error or timeout)
    elapsed: float
    started: float  # time.monotonic() when sent
    location: str | None = None
    content_type: str = ""
    retry_after: str | None = None
    body: object = None

    @property
    def acknowledged(self) -> bool:
        return self.kind != "read" and self.status is not None and 200 <= self.status < 300


class WriteTraffic:
    def __init__(self, url: str, token: str, seed: int, threads: int, repository: str,
                 build_interval: float = 0.5, pause: float = 0.0, label: str = "w"):
        self.url = url
        self.token = token
        self.seed = seed
        self.thread_count = threads
        self.repository = repository
        self.build_interval = build_interval
        self.pause = pause  # seconds between one thread's requests
        self.label = label
        self.answers: list[Answer] = []
        self._lock = threading.Lock()
        self._next_build = 0.0
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.errors: list[BaseException] = []

    def start(self) -> None:
        for n in range(self.thread_count):
            thread = threading.Thread(target=self._run, args=(n,), name=f"traffic-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(HTTP_TIMEOUT + 10)
        assert not self.errors, f"a traffic thread failed: {self.errors[0]!r}"

    def acknowledged(self) -> list[Answer]:
        return [a for a in self.answers if a.acknowledged]

    def count(self, since: float | None = None) -> int:
        return sum(1 for a in self.answers if since is None or a.started >= since)

    # --- one thread ---

    def _run(self, n: int) -> None:
        try:
            _Writer(self, n).run()
        except BaseException as error:  # surfaced by stop()
            self.errors.append(error)

    def _may_build(self) -> bool:
        with self._lock:
            now = time.monotonic()
            if now < self._next_build:
                return False
            self._next_build = now + self.build_interval
            return True


class _Writer:
    def __init__(self, traffic: WriteTraffic, n: int):
        self.traffic = traffic
        self.n = n
        self.rng = random.Random(f"{traffic.seed}-{n}")
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Token {traffic.token}", "User-Agent": "docsplane-faults/1"})
        self.projects: list[str] = []
        self.sent = 0

    def run(self) -> None:
        while not self.traffic._stop.is_set():
            kind = self._choose()
            getattr(self, f"_{kind}")()
            if self.traffic.pause:
                self.traffic._stop.wait(self.traffic.pause)

    def _choose(self) -> str:
        if not self.projects or self.rng.random() < 0.08:
            return "import"
        if self.rng.random() < 0.3 and self.traffic._may_build():
            return "build"
        return self.rng.choices(["patch", "variable", "read"], weights=[5, 3, 2])[0]

    def _import(self) -> None:
        name = f"{self.traffic.label}{self.traffic.seed % 1000}-{self.n}-{self.sent}"
        body = {"name": name, "repository": {"url": self.traffic.repository, "type": "git"},
                "programming_language": "py", "language": "en"}
        answer = self._send("import", "POST", "/api/v3/projects/", json=body)
        if answer.acknowledged and answer.location:  # (a 202 of an outage may have none)
            self.projects.append(re.search(r"/projects/([^/]+)/$", answer.location)[1])

    def _patch(self) -> None:
        slug = self.rng.choice(self.projects)
        # Always a new value: a PATCH that changes nothing records no event, and could not be looked up.
        body = self.rng.choice([
            {"homepage": f"https://example.com/{self.sent}"},
            {"name": f"Renamed {self.n} {self.sent}", "programming_language": self.rng.choice(["py", "js", "go"])},
        ])
        self._send("patch", "PATCH", f"/api/v3/projects/{slug}/", json=body)

    def _variable(self) -> None:
        slug = self.rng.choice(self.projects)
        body = {"name": f"VAR_{self.n}_{self.sent}", "value": f"secret-{self.sent}", "public": self.rng.random() < 0.5}
        self._send("variable", "POST", f"/api/v3/projects/{slug}/environmentvariables/", json=body)

    def _build(self) -> None:
        self._send("build", "POST", f"/api/v3/projects/{self.rng.choice(self.projects)}/builds/")

    def _read(self) -> None:
        self._send("read", "GET", f"/api/v3/projects/{self.rng.choice(self.projects)}/builds/?limit=5")

    def _send(self, kind: str, method: str, path: str, **kwargs) -> Answer:
        request_id = f"{self.traffic.label}-{self.traffic.seed}-{self.n}-{self.sent}"
        self.sent += 1
        started = time.monotonic()
        try:
            response = self.session.request(method, self.traffic.url + path, headers={"X-Request-Id": request_id},
                                            timeout=HTTP_TIMEOUT, **kwargs)
        except requests.RequestException:
            answer = Answer(kind, request_id, None, time.monotonic() - started, started)
        else:
            try:
                body = response.json() if response.content else None
            except ValueError:
                body = response.text[:300]
            answer = Answer(kind, request_id, response.status_code, time.monotonic() - started, started,
                            response.headers.get("Location"), response.headers.get("Content-Type", ""),
                            response.headers.get("Retry-After"), body)
        with self.traffic._lock:
            self.traffic.answers.append(answer)
        return answer


def logged_requests(app, batch: int = 1000) -> dict[str, list[str]]:
    """Request id -> the names of the events it wrote, in log order, from the whole event log."""
    written: dict[str, list[str]] = {}
    position = 0
    while notifications := app.recorder.select_notifications(start=position, limit=batch, inclusive_of_start=False):
        for notification in notifications:
            event = app.mapper.to_domain_event(notification)
            written.setdefault(getattr(event, "request_id", None), []).append(type(event).__name__)
        position = notifications[-1].id
    return written
