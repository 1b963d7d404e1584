"""Environment variable decisions: name and value rules, creation holding only a ciphertext,
deletion, and the per-project name claims that keep names unique."""

from uuid import uuid4

import pytest

from domain.environment_variable import (
    NAME_MAX,
    VALUE_MAX,
    EnvironmentVariable,
    EnvironmentVariableNames,
    validate_name,
    validate_value,
)
from api.errors import code_of
from domain.errors import FieldError
from domain.ids import environment_variable_id, environment_variable_names_id

PROJECT_ID = uuid4()


def created(name="MYVAR", public=False) -> EnvironmentVariable:
    variable = EnvironmentVariable.create(
        project_id=PROJECT_ID, project_slug="pip", number=9, name=name, value_ciphertext="gAAAA-cipher",
        public=public, actor="alice",
    )
    variable.collect_events()
    return variable


@pytest.mark.parametrize("name", ["MYVAR", "_private", "a", "x9_Y", "A" * NAME_MAX, "READ_THE_DOCS", "readthedocs_lower"])
def test_valid_names(name):
    validate_name(name)


@pytest.mark.parametrize(
    "name", ["", "9LIVES", "MY-VAR", "MY VAR", "MYVAR\n", "ÜBER", "A" * (NAME_MAX + 1), "READTHEDOCS", "READTHEDOCS_TOKEN"],
)
def test_invalid_names(name):
    with pytest.raises(FieldError) as raised:
        validate_name(name)
    assert (raised.value.resource, raised.value.field, code_of(raised.value)) == ("EnvironmentVariable", "name", "invalid")


def test_values_accept_any_text_including_newlines():
    validate_value("-----BEGIN KEY-----\nabc\n-----END KEY-----\n")
    validate_value("x" * VALUE_MAX)


@pytest.mark.parametrize(
    ("value", "code"),
    [("", "missing_field"), ("s3cret\x00tail", "invalid"), ("y" * (VALUE_MAX + 1), "invalid")],
)
def test_bad_values_are_refused_without_quoting_them(value, code):
    with pytest.raises(FieldError) as raised:
        validate_value(value)
    assert (raised.value.field, code_of(raised.value)) == ("value", code)
    if value:
        assert value[:6] not in str(raised.value) and value[:6] not in raised.value.message


def test_create_records_the_ciphertext_only():
    variable = EnvironmentVariable.create(
        project_id=PROJECT_ID, project_slug="pip", number=9, name="MYVAR", value_ciphertext="gAAAA-cipher",
        public=True, actor="alice",
    )
    [event] = variable.collect_events()
    assert type(event).__name__ == "EnvironmentVariableCreated"
    assert (event.actor, event.number, event.name, event.public) == ("alice", 9, "MYVAR", True)
    assert event.value_ciphertext == "gAAAA-cipher"
    assert not hasattr(event, "value")
    assert variable.id == environment_variable_id(PROJECT_ID, 9)


def test_create_refuses_a_bad_name():
    with pytest.raises(FieldError):
        created(name="BAD-NAME")


def test_delete_records_environment_variable_deleted():
    variable = created()
    variable.delete("bob")
    [event] = variable.collect_events()
    assert (type(event).__name__, event.actor) == ("EnvironmentVariableDeleted", "bob")
    assert variable.deleted is True


def test_names_are_claimed_once_per_project_and_freed_by_release():
    names = EnvironmentVariableNames(project_id=PROJECT_ID, actor="alice")
    assert names.id == environment_variable_names_id(PROJECT_ID)
    names.claim("MYVAR", 9, "alice")
    with pytest.raises(FieldError) as raised:
        names.claim("MYVAR", 10, "bob")
    assert (raised.value.field, code_of(raised.value)) == ("name", "already_exists")
    names.claim("myvar", 11, "alice")  # names are case-sensitive, as in a process environment
    names.release("MYVAR", "alice")
    names.claim("MYVAR", 12, "bob")
    assert names.numbers == {"MYVAR": 12, "myvar": 11}
    assert [type(e).__name__ for e in names.collect_events()] == [
        "EnvironmentVariableNamesStarted", "EnvironmentVariableNameClaimed", "EnvironmentVariableNameClaimed",
        "EnvironmentVariableNameReleased", "EnvironmentVariableNameClaimed",
    ]


def test_releasing_an_unclaimed_name_records_nothing():
    names = EnvironmentVariableNames(project_id=PROJECT_ID, actor="alice")
    names.collect_events()
    names.release("NOPE", "alice")
    assert names.collect_events() == []
