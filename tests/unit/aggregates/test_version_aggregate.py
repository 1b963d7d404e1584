"""Version decisions: create, activate/deactivate, update."""

from uuid import uuid4

import pytest

from api.errors import code_of
from domain.errors import FieldError
from domain.ids import version_id
from domain.version import Version


def created(slug="v1.0", active=True) -> Version:
    version = Version.create(
        project_id=PROJECT_ID, project_slug="sample", number=3, slug=slug, verbose_name=slug.upper(),
        identifier="abc123", type="tag", active=active, actor="alice",
    )
    version.collect_events()
    return version


PROJECT_ID = uuid4()


def assert_stamped(event, actor):
    assert event.actor == actor
    assert event.timestamp is not None


def test_create_records_version_created_with_deterministic_id():
    version = Version.create(
        project_id=PROJECT_ID, project_slug="sample", number=3, slug="latest", verbose_name="latest",
        identifier="main", type="branch", active=True, actor="alice",
    )
    events = version.collect_events()
    assert [type(e).__name__ for e in events] == ["VersionCreated"]
    assert_stamped(events[0], "alice")
    assert version.id == version_id(PROJECT_ID, "latest")
    assert (version.hidden, version.privacy_level, version.active) == (False, "public", True)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"slug": "Bad Slug"}, "slug"), ({"slug": "-x"}, "slug"), ({"slug": ""}, "slug"), ({"type": "bogus"}, "type")],
)
def test_create_validates(overrides, field):
    kwargs = dict(
        project_id=PROJECT_ID, project_slug="sample", number=3, slug="v1", verbose_name="v1",
        identifier="abc", type="tag", active=True, actor="alice",
    )
    kwargs.update(overrides)
    with pytest.raises(FieldError) as raised:
        Version.create(**kwargs)
    assert (raised.value.resource, raised.value.field, code_of(raised.value)) == ("Version", field, "invalid")


def test_activate_inactive_version():
    version = created(active=False)
    version.activate("alice")
    events = version.collect_events()
    assert [type(e).__name__ for e in events] == ["VersionActivated"]
    assert_stamped(events[0], "alice")
    assert version.active is True


def test_activate_active_version_records_nothing():
    version = created(active=True)
    version.activate("alice")
    assert version.collect_events() == []


def test_deactivate_active_version():
    version = created(active=True)
    version.deactivate("bob", default_version="latest")
    events = version.collect_events()
    assert [type(e).__name__ for e in events] == ["VersionDeactivated"]
    assert_stamped(events[0], "bob")
    assert version.active is False


def test_deactivate_inactive_version_records_nothing():
    version = created(active=False)
    version.deactivate("alice", default_version="latest")
    assert version.collect_events() == []


@pytest.mark.parametrize("active", [True, False])
def test_default_version_cannot_be_deactivated(active):
    version = created(slug="stable", active=active)
    with pytest.raises(FieldError) as raised:
        version.deactivate("alice", default_version="stable")
    assert (raised.value.field, code_of(raised.value)) == ("active", "invalid")
    assert version.collect_events() == []
    assert version.active is active


def test_update_records_effective_changes_only():
    version = created()
    effective = version.update("alice", {"hidden": True, "privacy_level": "public"})
    assert effective == {"hidden": True}
    events = version.collect_events()
    assert [type(e).__name__ for e in events] == ["VersionUpdated"]
    assert events[0].changes == {"hidden": True}
    assert_stamped(events[0], "alice")
    assert version.hidden is True


def test_update_privacy_and_identifier():
    version = created()
    version.update("alice", {"privacy_level": "private", "identifier": "def456"})
    [event] = version.collect_events()
    assert event.changes == {"privacy_level": "private", "identifier": "def456"}
    assert (version.privacy_level, version.identifier) == ("private", "def456")


def test_update_without_change_records_nothing():
    version = created()
    assert version.update("alice", {"hidden": False, "privacy_level": "public"}) == {}
    assert version.update("alice", {}) == {}
    assert version.collect_events() == []


def test_update_rejects_unknown_privacy_level():
    version = created()
    with pytest.raises(FieldError) as raised:
        version.update("alice", {"privacy_level": "secret", "hidden": True})
    assert (raised.value.resource, raised.value.field, code_of(raised.value)) == ("Version", "privacy_level", "invalid")
    assert version.collect_events() == []
    assert version.hidden is False
