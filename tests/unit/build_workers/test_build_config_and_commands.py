"""A build's configuration and the commands it ran: reported by the worker while the build runs."""

from datetime import datetime, timedelta, timezone
from uuid import uuid4

import pytest

from domain.build import Build
from api.errors import code_of
from domain.errors import FieldError

STARTED = datetime(2018, 6, 19, 15, 15, 59, tzinfo=timezone.utc)
FINISHED = STARTED + timedelta(seconds=59)


def running() -> Build:
    build = Build(
        number=7, project_id=uuid4(), project_slug="pip", version_id=uuid4(), version_slug="latest", actor="alice",
    )
    build.change_state("cloning", "worker-1")
    build.collect_events()
    return build


def test_configure_records_the_config():
    build = running()
    config = {"version": "2", "formats": ["htmlzip", "pdf"], "python": {"install": [{"requirements": "r.txt"}]}}
    build.configure(config, "worker-1")
    [event] = build.collect_events()
    assert type(event).__name__ == "BuildConfigured"
    assert (event.config, event.actor) == (config, "worker-1")
    assert event.timestamp is not None
    assert build.config == config


@pytest.mark.parametrize("config", [None, [], "formats: all", 3])
def test_a_config_is_an_object(config):
    build = running()
    with pytest.raises(FieldError) as raised:
        build.configure(config, "worker-1")
    assert (raised.value.resource, raised.value.field, code_of(raised.value)) == ("Build", "config", "invalid")
    assert build.collect_events() == [] and build.config is None


def test_record_command():
    build = running()
    build.record_command(91, "cat docs/config.py", "...", 0, STARTED, FINISHED, "worker-1")
    [event] = build.collect_events()
    assert type(event).__name__ == "BuildCommandRecorded"
    assert (event.command_id, event.command, event.output, event.exit_code) == (91, "cat docs/config.py", "...", 0)
    assert (event.started, event.finished, event.actor) == (STARTED, FINISHED, "worker-1")


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"command": ""}, "command", "missing_field"),
        ({"command": "   "}, "command", "missing_field"),
        ({"command": None}, "command", "missing_field"),
        ({"output": None}, "output", "invalid"),
        ({"exit_code": "0"}, "exit_code", "invalid"),
        ({"exit_code": True}, "exit_code", "invalid"),
        ({"started": STARTED.replace(tzinfo=None)}, "created", "invalid"),
        ({"finished": "2018-06-19T15:16:58+00:00"}, "finished", "invalid"),
        ({"finished": STARTED - timedelta(seconds=1)}, "finished", "invalid"),
    ],
)
def test_record_command_rejects_bad_values(changes, field, code):
    values = {"command_id": 91, "command": "make html", "output": "", "exit_code": 2, "started": STARTED,
              "finished": FINISHED, "actor": "worker-1", **changes}
    build = running()
    with pytest.raises(FieldError) as raised:
        build.record_command(**values)
    assert (raised.value.resource, raised.value.field, code_of(raised.value)) == ("BuildCommand", field, code)
    assert build.collect_events() == []


def test_a_finished_build_takes_no_config_and_no_commands():
    build = running()
    build.finish(False, "worker-1", error="boom")
    build.collect_events()
    with pytest.raises(FieldError) as raised:
        build.configure({"formats": []}, "worker-1")
    assert (raised.value.field, code_of(raised.value)) == ("config", "invalid")
    with pytest.raises(FieldError) as raised:
        build.record_command(92, "make html", "", 0, STARTED, FINISHED, "worker-1")
    assert (raised.value.field, code_of(raised.value)) == ("commands", "invalid")
    assert build.collect_events() == []
