"""`docsplane webhooks` as its own process, beside `docsplane projector`: it delivers the build events
written by another process (here, the test) to a real receiver, retries a failed attempt, and stops
cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from e2e_support import SEED_PROJECT
from webhook_receiver import Receiver

from docsplane.bootstrap import build
from docsplane.settings import Settings


def test_the_webhooks_process_delivers_and_retries_what_other_processes_write(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCSPLANE_", "POSTGRES_", "SQLITE_", "PERSISTENCE_"))}
    env.update(DOCSPLANE_DATA_DIR=str(tmp_path / "data"), DOCSPLANE_WEBHOOK_BACKOFF="0.05", DOCSPLANE_POLL_INTERVAL="0.02",
               DOCSPLANE_WEBHOOK_ALLOW_PRIVATE="true")  # the receiver is on loopback
    docsplane = build(Settings.from_env(env))
    receiver = Receiver(statuses=[503])
    processes = []
    try:
        docsplane.projects.import_project("alice", {**SEED_PROJECT, "name": "Pip", "default_branch": "main",
                                                    "privacy_level": "public", "tags": []})
        secret = docsplane.notifications.create_webhook("alice", "pip", receiver.url, ["build:triggered"]).value.secret
        docsplane.catch_up()
        processes = [subprocess.Popen([sys.executable, "-m", "docsplane.cli", command], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for command in ("projector", "webhooks")]
        number = docsplane.builds.trigger_build("alice", "pip").value

        first, second = receiver.wait_for(2, timeout=30)
        assert first.body == second.body and second.signed_with(secret)
        assert second.json["build"]["id"] == number

        for process in processes:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=15) == 0
        output = processes[1].stdout.read() + processes[1].stderr.read()
        assert "webhooks:" in output and "Traceback" not in output
        docsplane.catch_up()
        project_id = docsplane.read_model.project("pip", "alice")["aggregate_id"]
        webhook = docsplane.notification_queries.webhooks.list(project_id, 1, 0).results[0]["id"]
        rows = docsplane.webhook_delivery_queries.attempts(project_id, webhook, 10, 0).results
        assert [(r["attempt"], r["status_code"], r["outcome"]) for r in rows] == [(2, 200, "delivered"), (1, 503, "retrying")]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        receiver.close()
        docsplane.close()
