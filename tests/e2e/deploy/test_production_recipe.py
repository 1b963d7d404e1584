"""docs/production.md's recipe, run as written on PostgreSQL + RabbitMQ: its blocks are read from the doc
(so it cannot drift) and run in order in one shell session; the test sets only what the recipe's first
block reads from the environment (directory, database, vhost, port). Install, start the Procfile under
honcho, create a user, import and build with the README's curls, `docsplane subscribe` receives the
events, `docsplane verify` exits 0; then the projector is killed with SIGKILL mid-burst of writes,
honcho (which stops the rest when one process ends) is started again, and `verify` exits 0 again."""

from __future__ import annotations

import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from missing_part import missing as part_missing
import requests

from docsplane.bootstrap import build
from docsplane.settings import Settings
from production_recipe import ROOT, Shell, pids_running, recipe_blocks, stop

pytestmark = pytest.mark.postgres
BURST = 150  # writes during which the projector is killed
RECIPE_READS = ("AMQP_URL", "PORT", "DOCS_PORT", "TOKEN", "VIRTUAL_ENV")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def lines_of(stream) -> queue.Queue:
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in stream], daemon=True).start()
    return lines


def prepare_venv(home: Path) -> None:
    """The venv the install block makes, made first with the test venv's packages visible (a .pth line),
    so the block's `pip install` (run with PIP_NO_DEPS=1) installs docsplane itself from the checkout
    in seconds instead of downloading and unpacking sixty wheels. `python3 -m venv` on it again keeps
    it. The dependencies' console scripts pip would have written (gunicorn, honcho) are written here,
    as pip writes them."""
    venv = home / "venv"
    subprocess.run(["python3", "-m", "venv", str(venv)], check=True, timeout=120)  # as the recipe does
    site = next((venv / "lib").glob("python3*/site-packages"))
    here = next(p for p in sys.path if p.startswith(sys.prefix) and p.endswith("site-packages"))
    (site / "docsplane-test-dependencies.pth").write_text(here + "\n")
    for name in ("gunicorn", "honcho"):
        (point,) = entry_points(group="console_scripts", name=name)
        module, attribute = point.value.split(":")
        script = venv / "bin" / name
        script.write_text(f"#!{venv}/bin/python\nimport sys\nfrom {module} import {attribute}\nsys.exit({attribute}())\n")
        script.chmod(0o755)


def named_vhost() -> str | None:
    """A vhost of the test's own (no other test's consumer takes its build jobs), if rabbitmqctl can make one."""
    ctl = shutil.which("rabbitmqctl")
    name = f"docsplane-recipe-{uuid.uuid4().hex[:8]}"
    if ctl and subprocess.run([ctl, "add_vhost", name], capture_output=True, timeout=60).returncode == 0:
        subprocess.run([ctl, "set_permissions", "-p", name, "guest", ".*", ".*", ".*"], check=True, capture_output=True, timeout=60)
        return name
    return None


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def answering(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/api/v3/", headers={"User-Agent": "recipe-test/1"}, timeout=5).ok
    except requests.RequestException:  # not listening yet, or its workers still starting
        return False


def caught_up(settings: Settings) -> bool:
    docsplane = build(settings)
    try:
        head = docsplane.app.recorder.max_notification_id() or 0
        positions = docsplane.store.fetchall("SELECT position FROM projection_positions")
        return len(positions) == len(docsplane.projectors) and all(row["position"] >= head for row in positions)
    finally:
        docsplane.close()


@pytest.fixture
def recipe_env(postgres_url, amqp_url, tmp_path):
    """What the recipe's first block reads: fresh directory, database, vhost and port."""
    import psycopg2

    missing = [tool for tool in ("bash", "createdb", "curl", "awk", "python3") if shutil.which(tool) is None]
    if missing:
        part_missing(f"the recipe needs {', '.join(missing)} on PATH (Debian: postgresql-client, curl)")

    database = f"docsplane_recipe_{uuid.uuid4().hex[:12]}"
    vhost = named_vhost()
    env = {k: v for k, v in os.environ.items()  # the reader's shell, without settings of its own
           if not k.startswith(("DOCSPLANE_", "POSTGRES_", "PERSISTENCE_", "SQLITE_", "PG", "PIP_")) and k not in RECIPE_READS}
    env.update({"DOCSPLANE_HOME": str(tmp_path / "srv"), "PGHOST": "127.0.0.1", "PGPORT": "5432", "PGUSER": "postgres",
           "PGDATABASE": database, "PORT": str(free_port()), "DOCS_PORT": str(free_port()),
           "AMQP_URL": f"amqp://guest:guest@127.0.0.1:5672/{vhost}" if vhost else "amqp://guest:guest@127.0.0.1:5672/%2F",
           "PIP_NO_DEPS": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"})  # see prepare_venv
    yield env
    admin = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    admin.close()
    if vhost:
        subprocess.run(["rabbitmqctl", "delete_vhost", vhost], capture_output=True, timeout=60)


def test_the_production_recipe_runs_as_written(recipe_env, tmp_path):
    blocks = recipe_blocks()
    assert [b.long_running for b in blocks] == [False, False, False, True, False, True, False, False], "the recipe's shape changed"
    where, install, configure, start, user, subscribe, use, verify = blocks
    prepare_venv(Path(recipe_env["DOCSPLANE_HOME"]))
    shell = Shell(recipe_env, cwd=ROOT)
    started: list[subprocess.Popen] = []
    log = open(tmp_path / "honcho.log", "w")  # read it when this test fails
    try:
        shell.run(where)
        shell.run(install)
        home = Path(shell.env["DOCSPLANE_HOME"])
        assert shell.env["PATH"].startswith(f"{home}/venv/bin:")
        assert "/site-packages/docsplane/" in subprocess.run(
            [f"{home}/venv/bin/python", "-c", "import docsplane.cli; print(docsplane.cli.__file__)"],
            capture_output=True, text=True, cwd=tmp_path, check=True).stdout  # installed, not the checkout
        shell.run(configure)
        port = int(shell.env["PORT"])
        settings = Settings.from_env(shell.env)
        assert settings.secrets_key and not settings.uses_sqlite_event_store

        honcho = shell.start(start, stdout=log, stderr=subprocess.STDOUT)
        started.append(honcho)
        wait_for(lambda: answering(port), 60, "the API under honcho")
        shell.run(user)
        assert len(shell.env["TOKEN"]) >= 20, shell.env["TOKEN"]

        subscriber = shell.start(subscribe, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        started.append(subscriber)
        assert "subscribed to" in lines_of(subscriber.stderr).get(timeout=30)
        output = shell.run(use)
        assert '"slug":"test-project"' in output.replace(" ", "") and '"build"' in output, output

        events = lines_of(subscriber.stdout)
        seen: set[str] = set()
        wanted = {"ProjectImported", "BuildTriggered", "BuildLeased"}  # the last: the worker took the job (kombu)
        deadline = time.monotonic() + 40
        while not wanted <= seen:
            assert time.monotonic() < deadline, f"the subscriber received only {sorted(seen)}"
            try:
                seen.add(json.loads(events.get(timeout=1))["type"])
            except queue.Empty:
                pass
        assert "equal to a replay" in shell.run(verify)

        # The projector killed mid-burst; honcho then stops the rest; started again, as systemd would.
        writer = build(settings)
        before = writer.app.recorder.max_notification_id()
        written: list[str] = []
        burst = threading.Thread(target=lambda: [written.append(writer.users.create_user(f"burst{n}").value) for n in range(BURST)])
        burst.start()
        projector = wait_for(lambda: pids_running(f"{home}/venv/bin/docsplane projector"), 10, "the projector's pid")
        wait_for(lambda: writer.app.recorder.max_notification_id() > before + 30, 30, "the burst to begin")
        for pid in projector:
            subprocess.run(["kill", "-9", str(pid)], check=True)
        assert burst.is_alive(), "the burst ended before the projector was killed"
        burst.join(timeout=60)
        writer.close()
        assert len(written) == BURST  # the writes do not need the projector
        honcho.wait(timeout=30)  # it stopped the others
        honcho = shell.start(start, stdout=log, stderr=subprocess.STDOUT)
        started.append(honcho)
        wait_for(lambda: caught_up(settings), 60, "the restarted projector to catch up")
        assert "equal to a replay" in shell.run(verify)
    finally:
        for process in reversed(started):
            stop(process)
        log.close()
