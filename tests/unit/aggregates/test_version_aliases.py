"""A version may stand for another one (`stable` → the newest release): its `alias_of`."""

from uuid import uuid4

import pytest

from api.errors import code_of
from domain.errors import FieldError
from domain.version import Version

PROJECT_ID = uuid4()


def create(slug: str, **extra) -> Version:
    return Version.create(
        project_id=PROJECT_ID, project_slug="pip", number=5, slug=slug, verbose_name=slug, identifier="3a6b39",
        type="tag", active=True, actor="alice", **extra,
    )


def test_stable_is_created_pointing_at_a_release():
    stable = create("stable", alias_of="19.0.2")
    [event] = stable.collect_events()
    assert type(event).__name__ == "VersionCreated" and event.alias_of == "19.0.2"
    assert stable.alias_of == "19.0.2"


def test_a_plain_version_is_an_alias_of_nothing():
    version = create("19.0.2")
    [event] = version.collect_events()
    assert event.alias_of is None and version.alias_of is None


def test_stable_moves_to_a_newer_release():
    stable = create("stable", alias_of="19.0.2")
    stable.collect_events()
    assert stable.update("sync", {"alias_of": "19.1"}) == {"alias_of": "19.1"}
    [event] = stable.collect_events()
    assert type(event).__name__ == "VersionUpdated" and event.changes == {"alias_of": "19.1"}
    assert stable.alias_of == "19.1"
    assert stable.update("sync", {"alias_of": "19.1"}) == {} and stable.collect_events() == []


@pytest.mark.parametrize("alias_of", ["stable", "Not A Slug", "", 19])
def test_an_alias_names_another_valid_version(alias_of):
    with pytest.raises(FieldError) as raised:
        create("stable", alias_of=alias_of)
    assert (raised.value.resource, raised.value.field, code_of(raised.value)) == ("Version", "alias_of", "invalid")
    stable = create("stable", alias_of="19.0.2")
    stable.collect_events()
    with pytest.raises(FieldError):
        stable.update("sync", {"alias_of": alias_of})
    assert stable.collect_events() == [] and stable.alias_of == "19.0.2"
