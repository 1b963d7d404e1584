"""What a version sync changes on the aggregates: a version deleted (only inactive) and made anew under
its slug, `machine` for versions made by docsplane, and the repository's HEAD as the default branch."""

from uuid import uuid4

import pytest

from domain.errors import FieldError
from domain.project import Project
from domain.version import Version
from domain.version_index import VersionIndex

PROJECT_ID = uuid4()


def version(slug="v1.0", active=False, **extra) -> Version:
    created = Version.create(project_id=PROJECT_ID, project_slug="sample", number=3, slug=slug, verbose_name=slug,
                             identifier="a" * 40, type="tag", active=active, actor="sync", **extra)
    created.collect_events()
    return created


def names(aggregate) -> list[str]:
    return [type(e).__name__ for e in aggregate.collect_events()]


def test_an_inactive_version_is_deleted_and_an_active_one_refused():
    gone = version()
    gone.delete("sync")
    gone.delete("sync")  # once
    assert names(gone) == ["VersionDeleted"] and gone.deleted
    live = version(active=True)
    with pytest.raises(FieldError):
        live.delete("sync")
    assert names(live) == [] and not live.deleted


def test_a_deleted_version_starts_again_as_new():
    again = version()
    again.update("alice", {"hidden": True})
    again.delete("sync")
    again.collect_events()
    again.recreate(number=9, verbose_name="v1.0", identifier="b" * 40, type="tag", active=False, actor="sync")
    [event] = again.collect_events()
    assert type(event).__name__ == "VersionRecreated"
    assert (event.project_slug, event.slug, event.number) == ("sample", "v1.0", 9)  # a read model needs nothing else
    assert (again.deleted, again.hidden, again.identifier, again.number) == (False, False, "b" * 40, 9)


def test_machine_made_versions_and_what_earlier_releases_recorded():
    assert version("stable", alias_of="v1.0", machine=True).machine is True
    assert version("v1.0").machine is False
    for slug, alias_of, machine in (("latest", None, True), ("stable", "1.0", True), ("stable", None, False), ("1.0", None, False)):
        state = {"slug": slug, "alias_of": alias_of}
        Version.VersionCreated.upcast_v2_v3(state)
        assert state["machine"] is machine


def test_a_sync_changes_the_type_of_a_version_only_to_a_known_one():
    stable = version("stable", alias_of="v1.0", machine=True)
    assert stable.update("sync", {"type": "branch", "identifier": "stable", "machine": False, "alias_of": None})
    with pytest.raises(FieldError):
        stable.update("sync", {"type": "trunk"})


def imported(default_branch=None) -> Project:
    project = Project.import_(number=1, actor="alice", name="Sample", repository={"url": "file:///r", "type": "git"},
                              language="en", programming_language="py", homepage=None, default_branch=default_branch,
                              privacy_level="public", tags=[], single_version=False)
    project.collect_events()
    return project


def test_the_repositorys_head_answers_default_branch_until_a_maintainer_sets_one():
    project = imported()
    project.detect_default_branch("main", "sync")
    project.detect_default_branch("main", "sync")  # no change, no event
    assert names(project) == ["DefaultBranchDetected"]
    assert (project.default_branch, project.chosen_default_branch) == ("main", None)
    project.detect_default_branch("trunk", "sync")  # HEAD moved
    assert project.default_branch == "trunk"
    project.update("alice", {"default_branch": "develop"})
    project.collect_events()
    project.detect_default_branch("main", "sync")
    assert names(project) == [] and project.chosen_default_branch == "develop"


def test_a_maintainers_default_branch_is_never_replaced():
    project = imported("develop")
    project.detect_default_branch("main", "sync")
    assert names(project) == [] and project.default_branch == "develop"


def test_the_index_records_only_changes():
    index = VersionIndex(project_id=PROJECT_ID, slugs=["latest"])
    index.collect_events()
    index.change(added=["v1.0", "v1.0"], removed=[], actor="sync")
    index.change(added=["v1.0"], removed=["gone"], actor="sync")  # nothing new
    assert names(index) == ["VersionsIndexed"] and index.slugs == ["latest", "v1.0"]
