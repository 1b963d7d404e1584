"""Environment variable commands → event store → projector → read model, on each backend; the
build worker's read path; and the value never recorded in clear."""

import threading
from dataclasses import replace

import pytest
from cryptography.fernet import Fernet

from docsplane.secrets import SecretsKeyMismatch

from commands.handling.loading import load_project
from api.errors import code_of
from domain.errors import FieldError, NotAllowed, StaleWrite, UnknownResource
from integration_support import dump_tables, event_log, head, project_settings, rebuild_all, topic_name

SECRET = "s3cr3t-value-7f1c9a2e"


@pytest.fixture
def project(docsplane):
    docsplane.projects.import_project("alice", project_settings("Pip"))
    docsplane.projects.import_project("alice", project_settings("Secret Docs", privacy_level="private"))
    docsplane.catch_up()
    return docsplane.read_model.project("pip", "alice")


def created(docsplane, name="MYVAR", value=SECRET, public=False, slug="pip") -> int:
    written = docsplane.environment_variables.create_environment_variable("alice", slug, name, value, public)
    docsplane.catch_up()
    return written.value


def test_create_projects_the_name_and_records_only_a_ciphertext(docsplane, project):
    written = docsplane.environment_variables.create_environment_variable("alice", "pip", "MYVAR", SECRET)
    topics = [topic_name(r.notification.topic) for r in written.recordings]
    assert topics == ["EnvironmentVariableNamesStarted", "EnvironmentVariableNameClaimed", "EnvironmentVariableCreated"]
    event = written.recordings[-1].domain_event
    assert event.value_ciphertext != SECRET
    assert docsplane.environment_variables.box.decrypt(event.value_ciphertext) == SECRET
    docsplane.catch_up()

    row = docsplane.environment_variable_queries.get(project["aggregate_id"], written.value)
    assert row == {
        "id": written.value, "aggregate_version": 1, "project_slug": "pip", "name": "MYVAR", "public": False,
        "created": row["created"], "modified": row["created"],
    }


def test_the_value_is_in_no_table_and_no_stored_event(docsplane, project):
    created(docsplane, "MYVAR", SECRET)
    created(docsplane, "OTHER", SECRET + "-2", public=True)
    assert SECRET not in repr(dump_tables(docsplane))
    states = [n.state for n in event_log(docsplane)]
    assert any(b"EnvironmentVariableCreated" in n.topic.encode() for n in event_log(docsplane))
    assert not [s for s in states if SECRET.encode() in s]


def test_values_for_build_decrypts_from_the_event_store(docsplane, project):
    created(docsplane, "MYVAR", SECRET)
    created(docsplane, "PUBLIC_ONE", "visible-to-prs", public=True)
    created(docsplane, "ELSEWHERE", "other", slug="secret-docs")
    assert docsplane.environment_variables.values_for_build("pip") == {"MYVAR": SECRET, "PUBLIC_ONE": "visible-to-prs"}
    assert docsplane.environment_variables.values_for_build("pip", external=True) == {"PUBLIC_ONE": "visible-to-prs"}
    assert docsplane.environment_variables.values_for_build("secret-docs") == {"ELSEWHERE": "other"}
    docsplane.projects.import_project("alice", project_settings("Empty"))
    assert docsplane.environment_variables.values_for_build("empty") == {}
    with pytest.raises(UnknownResource):
        docsplane.environment_variables.values_for_build("no-such-project")


def test_another_key_than_the_stores_is_refused_at_start(docsplane, project, open_docsplane):
    created(docsplane, "MYVAR", SECRET)
    with pytest.raises(SecretsKeyMismatch, match="not the key the event store's secrets were written with"):
        open_docsplane(replace(docsplane.settings, secrets_key=Fernet.generate_key().decode()))


def test_names_are_unique_per_project_until_deleted(docsplane, project):
    first = created(docsplane, "MYVAR", SECRET)
    created(docsplane, "MYVAR", "elsewhere", slug="secret-docs")  # another project may use the name
    before = head(docsplane)
    with pytest.raises(FieldError) as raised:
        docsplane.environment_variables.create_environment_variable("alice", "pip", "MYVAR", "again")
    assert (raised.value.resource, raised.value.field, code_of(raised.value)) == ("EnvironmentVariable", "name", "already_exists")
    assert head(docsplane) == before  # not even an id was reserved

    written = docsplane.environment_variables.delete_environment_variable("alice", "pip", first, expected_version=1)
    assert [topic_name(r.notification.topic) for r in written.recordings] == [
        "EnvironmentVariableDeleted", "EnvironmentVariableNameReleased",
    ]
    second = created(docsplane, "MYVAR", "new value")
    assert second != first
    assert docsplane.environment_variables.values_for_build("pip") == {"MYVAR": "new value"}
    rows = docsplane.environment_variable_queries.list(project["aggregate_id"], 10, 0).results
    assert [(r["id"], r["name"]) for r in rows] == [(second, "MYVAR")]


def test_concurrent_creations_of_one_name_let_exactly_one_win(docsplane, project):
    count = 8
    barrier = threading.Barrier(count)
    outcomes = []

    def create(i):
        barrier.wait(timeout=30)
        try:
            outcomes.append(docsplane.environment_variables.create_environment_variable("alice", "pip", "RACE", f"v{i}").value)
        except FieldError as error:
            outcomes.append(code_of(error))

    threads = [threading.Thread(target=create, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes, key=str).count("already_exists") == count - 1, outcomes
    docsplane.catch_up()
    assert docsplane.environment_variable_queries.list(project["aggregate_id"], 10, 0).count == 1
    assert list(docsplane.environment_variables.values_for_build("pip")) == ["RACE"]


@pytest.mark.parametrize(
    ("name", "value", "field", "code"),
    [("BAD-NAME", SECRET, "name", "invalid"), ("READTHEDOCS_X", SECRET, "name", "invalid"),
     ("OK", "", "value", "missing_field"), ("OK", "nul\x00byte", "value", "invalid")],
)
def test_invalid_variables_write_nothing(docsplane, project, name, value, field, code):
    before = head(docsplane)
    with pytest.raises(FieldError) as raised:
        docsplane.environment_variables.create_environment_variable("alice", "pip", name, value)
    assert (raised.value.field, code_of(raised.value)) == (field, code)
    assert head(docsplane) == before


def test_delete_of_an_unknown_or_deleted_variable_is_not_found(docsplane, project):
    number = created(docsplane)
    with pytest.raises(StaleWrite):
        docsplane.environment_variables.delete_environment_variable("alice", "pip", number, expected_version=7)
    docsplane.environment_variables.delete_environment_variable("alice", "pip", number)
    for gone in (number, number + 1000):
        with pytest.raises(UnknownResource):
            docsplane.environment_variables.delete_environment_variable("alice", "pip", gone)


def test_only_maintainers_write(docsplane, project):
    number = created(docsplane)
    before = head(docsplane)
    with pytest.raises(NotAllowed):
        docsplane.environment_variables.create_environment_variable("mallory", "pip", "X", "y")
    with pytest.raises(NotAllowed):
        docsplane.environment_variables.delete_environment_variable("mallory", "pip", number)
    with pytest.raises(UnknownResource):
        docsplane.environment_variables.create_environment_variable("mallory", "secret-docs", "X", "y")
    assert head(docsplane) == before


def test_project_deleted_drops_its_variables(docsplane, project):
    created(docsplane, "A")
    created(docsplane, "B")
    other = created(docsplane, "C", slug="secret-docs")
    pip = load_project(docsplane.app, "pip")
    pip.delete("alice")
    docsplane.app.save(pip)
    docsplane.catch_up()
    assert [r["id"] for r in docsplane.store.fetchall("SELECT id FROM environment_variables ORDER BY id")] == [other]


def test_rebuild_reproduces_the_read_model(docsplane, project):
    a = created(docsplane, "A")
    created(docsplane, "B", public=True)
    docsplane.environment_variables.delete_environment_variable("alice", "pip", a)
    created(docsplane, "A")
    docsplane.catch_up()
    incremental = dump_tables(docsplane)
    rebuild_all(docsplane)
    assert dump_tables(docsplane) == incremental
    assert [(r["name"], bool(r["public"])) for r in incremental["environment_variables"]] == [("B", True), ("A", False)]
