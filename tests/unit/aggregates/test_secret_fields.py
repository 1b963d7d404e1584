"""Secrets in events are decided field by field (domain/events/secret_fields.py) and never reach the audit
history's `data`."""

import dataclasses
import json
from datetime import datetime, timedelta, timezone
from uuid import uuid4

from domain.events.catalog import event_classes
from domain.environment_variable import EnvironmentVariable
from domain.events.fields import jsonable, own_fields
from domain.notification import Webhook
from domain.events.secret_fields import NOT_SECRETS, REDACTED, SECRET_LOOKING, SECRETS, without_secrets
from domain.user import User
from projections.audit.projection import event_data


def test_every_event_field_named_like_a_secret_is_decided():
    """Fails when an event gains e.g. `api_key` or `password_hash`: decide it in domain/events/secret_fields.py."""
    undecided = sorted(
        f"{cls.__qualname__}.{field.name}"
        for cls in event_classes()
        for field in dataclasses.fields(cls)
        if SECRET_LOOKING.search(field.name) and field.name not in SECRETS and field.name not in NOT_SECRETS
    )
    assert not undecided, f"decide in domain/events/secret_fields.py whether these are secrets: {undecided}"


def test_the_catalog_knows_the_events_with_secrets():
    names = {cls.__qualname__ for cls in event_classes()}
    assert {"EnvironmentVariable.EnvironmentVariableCreated", "Webhook.WebhookCreated", "User.TokenIssued"} <= names


def test_secrets_are_redacted_at_any_depth():
    value = {"url": "https://x", "changes": {"secret_ciphertext": "gAAA", "events": ["a"]},
             "config": [{"db_password": "hunter2", "name": "ok"}], "token_hash": "abc", "hint": "1234"}
    assert without_secrets(value) == {
        "url": "https://x", "changes": {"secret_ciphertext": REDACTED, "events": ["a"]},
        "config": [{"db_password": REDACTED, "name": "ok"}], "token_hash": REDACTED, "hint": "1234",
    }


def _events(aggregate) -> list:
    return aggregate.collect_events()


def test_audit_data_of_events_that_carry_secrets():
    project_id = uuid4()
    variable = EnvironmentVariable.create(project_id=project_id, project_slug="pip", number=1, name="API_KEY",
                                          value_ciphertext="CIPHER-VALUE", public=False, actor="alice")
    webhook = Webhook.create(number=1, project_id=project_id, project_slug="pip", url="https://ci.example.com/hook",
                             events=["build:failed"], secret_ciphertext="CIPHER-SECRET", actor="alice")
    webhook.update("alice", {"secret_ciphertext": "CIPHER-NEW-SECRET"})
    user = User(username="alice", actor="cli")
    user.issue_token(token_hash="HASH-OF-TOKEN", number=1, hint="abcd", actor="cli")
    data = [json.loads(event_data(e)) for e in [*_events(variable), *_events(webhook), *_events(user)]]
    text = json.dumps(data)
    for secret in ("CIPHER-VALUE", "CIPHER-SECRET", "CIPHER-NEW-SECRET", "HASH-OF-TOKEN"):
        assert secret not in text
    assert data[0]["value_ciphertext"] == REDACTED and data[0]["name"] == "API_KEY"
    assert data[2]["changes"] == {"secret_ciphertext": REDACTED}  # that the secret changed is itself history
    assert data[-1]["token_hash"] == REDACTED and data[-1]["hint"] == "abcd"


def test_long_text_is_cut():
    variable = EnvironmentVariable.create(project_id=uuid4(), project_slug="pip", number=1, name="X" * 100,
                                          value_ciphertext="c", public=False, actor="alice")
    event = _events(variable)[0]
    object.__setattr__(event, "name", "y" * 5000)
    assert len(json.loads(event_data(event))["name"]) < 2100


def test_audit_data_is_the_json_of_the_fields_as_json_dumps_renders_them():
    """The audit encodes with orjson: the same JSON (once parsed) as json.dumps(default=jsonable)."""
    variable = EnvironmentVariable.create(project_id=uuid4(), project_slug="pip", number=1, name="X",
                                          value_ciphertext="c", public=False, actor="alice")
    event = _events(variable)[0]
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    for name, value in (("when", when), ("naive", datetime(2026, 1, 2)), ("ids", {uuid4()}), ("huge", 2**70),
                        ("nested", {"at": [when, uuid4()], "text": "é\t\"q\""}), ("numbered", {3: "an int key"})):
        object.__setattr__(event, name, value)
    fields = without_secrets(own_fields(event))  # with an integer orjson refuses: json.dumps writes it all
    assert json.loads(event_data(event)) == json.loads(json.dumps(fields, sort_keys=True, default=jsonable))
    del event.__dict__["huge"]
    fields = without_secrets(own_fields(event))
    assert json.loads(event_data(event)) == json.loads(json.dumps(fields, sort_keys=True, default=jsonable))
    assert json.loads(event_data(event))["when"] == when.isoformat()  # not orjson's own rendering of dates
