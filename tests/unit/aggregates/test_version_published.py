"""A version records what a build published (the files live in the artifact store, not in the event)."""

from uuid import uuid4

from domain.version import Version


def test_publish_records_the_release_and_what_it_holds():
    version = Version.create(project_id=uuid4(), project_slug="sample", number=3, slug="v1.0", verbose_name="v1.0",
                             identifier="v1.0", type="tag", active=True, actor="alice")
    version.collect_events()
    assert version.published_release is None

    version.publish("worker-1", 12, "20261207T171500Z-0a1b2c3d", ("html", "epub"), 42, 123456, "sha256:ab")

    [event] = version.collect_events()
    assert type(event).__name__ == "VersionPublished"
    assert (event.build, event.release_id, event.formats) == (12, "20261207T171500Z-0a1b2c3d", ["html", "epub"])
    assert (event.files, event.bytes, event.content_hash, event.actor) == (42, 123456, "sha256:ab", "worker-1")
    assert version.published_release == "20261207T171500Z-0a1b2c3d"


def test_a_snapshot_from_before_publishing_existed_reads_as_never_published():
    state = {"slug": "v1.0", "alias_of": None}
    for step in (Version.upcast_v1_v2, Version.upcast_v2_v3):
        step(state)
    assert state["published_release"] is None
