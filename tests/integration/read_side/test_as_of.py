"""`as_of`: a project or version as it was at a moment, rebuilt from the events, on each backend."""

from datetime import datetime, timedelta, timezone

from integration_support import project_settings


def now():
    return datetime.now(timezone.utc)


def test_project_before_and_after_an_update(docsplane):
    before_import = now()
    docsplane.projects.import_project("alice", project_settings("Time Docs", language="en"))
    after_import = now()
    docsplane.projects.update_project("alice", "time-docs", {"name": "Renamed Docs", "language": "de"})
    docsplane.catch_up()
    at = docsplane.point_in_time

    assert at.project_detail("time-docs", before_import, "alice") is None
    then = at.project_detail("time-docs", after_import, "alice")
    assert (then["name"], then["language"], then["aggregate_version"]) == ("Time Docs", "en", 1)
    assert [v["slug"] for v in then["active_versions"]] == ["latest"]
    later = at.project_detail("time-docs", now(), "alice")
    live = docsplane.read_model.project_detail("time-docs", "alice")
    assert later == live  # the same projections, so the same shape and values as the live read model


def test_version_and_its_last_build_at_a_moment(docsplane):
    docsplane.projects.import_project("alice", project_settings("Build Docs"))
    docsplane.builds.trigger_build("alice", "build-docs")
    triggered = now()
    docsplane.builds.change_build_state("worker", 1, "building")
    docsplane.builds.finish_build("worker", 1, success=True)
    finished = now()
    docsplane.versions.update_version("alice", "build-docs", "latest", {"hidden": True})
    docsplane.catch_up()
    at = docsplane.point_in_time

    then = at.version("build-docs", "latest", triggered, "alice")
    assert (then["built"], then["hidden"], then["last_build"]["state"], then["last_build"]["success"]) == (
        False, False, "triggered", None)
    built = at.version("build-docs", "latest", finished, "alice")
    assert (built["built"], built["hidden"], built["last_build"]["state"]) == (True, False, "finished")
    assert at.version("build-docs", "latest", now(), "alice") == docsplane.read_model.version(
        docsplane.read_model.project("build-docs", "alice"), "alice", "latest")
    assert at.version("build-docs", "nope", now(), "alice") is None


def test_a_deleted_slug_answers_for_the_project_that_held_it_then(docsplane):
    docsplane.projects.import_project("alice", project_settings("Reused", language="en"))
    first = now()
    docsplane.projects.delete_project("alice", "reused")
    deleted = now()
    docsplane.projects.import_project("bob", project_settings("Reused", language="fr"))
    docsplane.catch_up()
    at = docsplane.point_in_time

    assert at.project_detail("reused", first, "alice")["language"] == "en"
    assert at.project_detail("reused", deleted, "alice") is None
    assert at.project_detail("reused", now(), "bob")["language"] == "fr"


def test_private_then_means_maintainers_only(docsplane):
    docsplane.projects.import_project("alice", project_settings("Secretive", privacy_level="private"))
    docsplane.catch_up()
    moment = now() + timedelta(seconds=1)
    assert docsplane.point_in_time.project_detail("secretive", moment, "bob") is None
    assert docsplane.point_in_time.project_detail("secretive", moment, None) is None
    assert docsplane.point_in_time.project_detail("secretive", moment, "alice")["slug"] == "secretive"
