"""Rate limits hold across API processes: two gunicorn workers counting in one Redis
(DOCSPLANE_RATE_LIMIT_STORAGE) let exactly one budget through a burst, whichever worker answers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests
from cryptography.fernet import Fernet
from racing import simultaneously

from docsplane.bootstrap import build

BUDGET = 20
BURST = 80
ROOT = Path(__file__).resolve().parents[3]


def start_gunicorn(env: dict, logs: Path) -> tuple[subprocess.Popen, str]:
    # Sync workers take one request at a time each, so a burst is spread over both.
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "sync", "-b", "127.0.0.1:0",
               "--access-logfile", str(logs / "access.log"), "--access-logformat", "%(p)s %(s)s", "docsplane.wsgi:app"]
    with open(logs / "error.log", "wb") as errors:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    try:
        return process, _listening(process, logs)
    except BaseException:  # never a gunicorn left behind by a failed start
        process.kill()
        process.wait()
        raise


def _listening(process: subprocess.Popen, logs: Path) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = (logs / "error.log").read_text()
        listening = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", text)
        if listening and text.count("Booting worker") >= 2:
            url = listening.group(1)
            try:
                if requests.get(f"{url}/api/v3/", headers={"User-Agent": "t/1"}, timeout=5).status_code == 200:
                    return url
            except requests.RequestException:  # not answering yet (a worker still booting on a busy machine)
                pass
        assert process.poll() is None, text
        time.sleep(0.1)
    raise AssertionError((logs / "error.log").read_text())


def test_two_gunicorn_workers_share_one_budget_in_redis(make_settings, redis_url, tmp_path):
    settings = make_settings("sqlite", DOCSPLANE_RATE_LIMIT_STORAGE=redis_url, DOCSPLANE_RATE_LIMIT_AUTHENTICATED=f"{BUDGET}/hour",
                             DOCSPLANE_SECRETS_KEY=Fernet.generate_key().decode(), DOCSPLANE_RUN_PROJECTOR="false",
                             DOCSPLANE_RUN_WORKER="false", DOCSPLANE_RUN_WEBHOOKS="false")
    build(settings).close()  # the stores made once, before the workers start together
    env = {**os.environ, **settings.as_environ(), **settings.event_store}
    process, url = start_gunicorn(env, tmp_path)
    try:
        token = uuid.uuid4().hex  # its own budget: counted before authentication (the root needs none)
        headers = {"Authorization": f"Token {token}", "User-Agent": "burst/1", "Connection": "close"}
        answers = simultaneously(BURST, lambda i: requests.get(f"{url}/api/v3/", headers=headers, timeout=60))
        after = requests.get(f"{url}/api/v3/", headers=headers, timeout=30)
    finally:
        process.terminate()
        process.wait(timeout=30)

    passed = [a for a in answers if a.status_code == 200]
    refused = [a for a in answers if a.status_code == 429]
    assert (len(passed), len(refused)) == (BUDGET, BURST - BUDGET), sorted(a.status_code for a in answers)
    assert after.status_code == 429 and after.json()["message"].startswith("API rate limit exceeded")
    for answer in refused:
        assert 1 <= int(answer.headers["Retry-After"]) <= 3600
        assert (answer.headers["X-RateLimit-Limit"], answer.headers["X-RateLimit-Remaining"]) == (str(BUDGET), "0")
    served_by = {line.split()[0] for line in (tmp_path / "access.log").read_text().splitlines() if line.strip()}
    assert len(served_by) == 2, f"both workers answered the burst: {served_by}"
