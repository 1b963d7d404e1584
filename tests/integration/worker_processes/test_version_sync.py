"""Versions from a real git repository: `git ls-remote` read by the worker's syncer, applied by the
sync command, seen in the read model (types, identifiers, `stable`'s ref and aliases, the flyout)."""

from __future__ import annotations

import logging
import threading

import pytest

from git_support import commit, git, git_repository
from integration_support import event_log, project_settings, topic_name
from workers.sandbox.sandbox import sandbox_for
from workers.version_sync import parse_ls_remote, read_refs
from workers.wiring import build_runner, version_syncer

DOCS = {"docs/index.rst": "Docs\n====\n"}


class Synced:
    """A project imported from `repo` and synced by a worker's syncer."""

    def __init__(self, docsplane, repo, **project):
        self.docsplane = docsplane
        self.repo = repo
        settings = project_settings("Synced", repository={"url": repo.as_uri(), "type": "git"}, **{"default_branch": None, **project})
        self.slug = docsplane.projects.import_project("alice", settings).value
        self.syncer = version_syncer(docsplane, actor="worker:test")

    def sync(self):
        report = self.syncer.sync(self.slug)
        self.docsplane.catch_up()
        return report

    def project(self) -> dict:
        return self.docsplane.read_model.project(self.slug, "alice")

    def versions(self) -> dict[str, dict]:
        page = self.docsplane.read_model.versions(self.project(), "alice", {}, limit=100, offset=0)
        return {v["slug"]: v for v in page.results}

    def shape(self) -> dict[str, tuple]:
        return {slug: (v["type"], v["identifier"], v["active"]) for slug, v in self.versions().items()}


@pytest.fixture
def repo(tmp_path):
    """main (HEAD) with tags v1.0 (lightweight) and v2.0 (annotated), and a branch `feature`."""
    repo = git_repository(tmp_path / "repo", DOCS)
    git(repo, "tag", "v1.0")
    commit(repo, {"docs/index.rst": "Docs 2\n======\n"})
    git(repo, "tag", "-a", "v2.0", "-m", "release 2.0")
    git(repo, "branch", "feature")
    return repo


def sha(repo, ref: str) -> str:
    return git(repo, "rev-parse", f"{ref}^{{commit}}")


def test_import_and_sync_make_the_repositorys_versions(docsplane, repo):
    synced = Synced(docsplane, repo)

    report = synced.sync()

    assert sorted(report.created) == ["feature", "main", "stable", "v1.0", "v2.0"]
    assert synced.shape() == {
        "latest": ("branch", "main", True),
        "stable": ("tag", sha(repo, "v2.0"), True),
        "v1.0": ("tag", sha(repo, "v1.0"), False),
        "v2.0": ("tag", sha(repo, "v2.0"), False),  # the commit of the annotated tag, not the tag object
        "feature": ("branch", "feature", False),
        "main": ("branch", "main", False),
    }
    assert synced.project()["default_branch"] == "main"  # the repository's HEAD, no longer null
    versions = synced.versions()
    assert versions["stable"]["alias_of"] == "v2.0" and versions["latest"]["alias_of"] == "main"
    assert versions["stable"]["aliases"] == []  # v2.0 is inactive: RTD lists active aliases only
    assert synced.sync().created == [] and synced.sync().updated == []  # a second sync changes nothing


def test_stable_aliases_its_release_once_that_is_active_and_the_flyout_lists_active_versions(docsplane, repo):
    synced = Synced(docsplane, repo)
    synced.sync()
    docsplane.versions.update_version("alice", synced.slug, "v2.0", {"active": True})
    docsplane.catch_up()

    assert [a["slug"] for a in synced.versions()["stable"]["aliases"]] == ["v2.0"]
    menu = docsplane.flyout_queries.menu(synced.project(), "alice", "latest")
    assert menu["versions"] == []  # as Read the Docs: active and built
    for slug in ("latest", "stable", "v2.0"):
        number = docsplane.builds.trigger_build("alice", synced.slug, slug).value
        docsplane.builds.finish_build("alice", number, True)
    docsplane.catch_up()
    menu = docsplane.flyout_queries.menu(synced.project(), "alice", "latest")
    assert sorted(v["slug"] for v in menu["versions"]) == ["latest", "stable", "v2.0"]


def test_moved_tags_update_identifiers_and_a_higher_release_moves_stable(docsplane, repo):
    synced = Synced(docsplane, repo)
    synced.sync()
    moved = commit(repo, {"docs/index.rst": "Docs 3\n======\n"})
    git(repo, "tag", "-f", "v1.0")  # the tag now names the newest commit
    git(repo, "checkout", "-q", "feature")
    commit(repo, {"docs/feature.rst": "Feature\n=======\n"})  # a moved branch: its identifier is its name
    git(repo, "checkout", "-q", "main")

    report = synced.sync()

    assert (report.created, report.updated, report.deleted) == ([], ["v1.0"], [])
    assert synced.shape()["v1.0"] == ("tag", moved, False)
    assert synced.shape()["feature"] == ("branch", "feature", False)

    git(repo, "tag", "v2.1rc1")  # a pre-release does not move stable
    git(repo, "tag", "v2.1")
    report = synced.sync()
    assert sorted(report.created) == ["v2.1", "v2.1rc1"] and report.updated == ["stable"]
    assert synced.versions()["stable"]["alias_of"] == "v2.1"
    assert synced.shape()["stable"] == ("tag", moved, True)


def test_a_gone_tag_deletes_its_inactive_version_and_an_active_one_is_kept(docsplane, repo, caplog):
    synced = Synced(docsplane, repo)
    synced.sync()
    docsplane.versions.update_version("alice", synced.slug, "feature", {"active": True})
    git(repo, "tag", "-d", "v1.0")
    git(repo, "branch", "-D", "feature")

    with caplog.at_level(logging.INFO, logger="docsplane.version_sync"):
        report = synced.sync()

    assert (report.deleted, report.kept) == (["v1.0"], ["feature"])
    assert "v1.0" not in synced.versions() and synced.versions()["feature"]["active"] is True
    assert "kept (active, branch or tag gone) feature" in caplog.text
    assert topic_name(event_log(docsplane)[-1].topic) in {"VersionDeleted", "VersionsIndexed"}

    git(repo, "tag", "v1.0", sha(repo, "main"))  # back again: a new version under the same slug
    number = {v["slug"]: v["id"] for v in synced.versions().values()}
    assert synced.sync().created == ["v1.0"]
    again = synced.versions()["v1.0"]
    assert (again["active"], again["identifier"]) == (False, sha(repo, "main"))
    assert again["id"] not in number.values()


def test_a_branch_named_stable_takes_stables_place_and_latest_follows_the_chosen_default_branch(docsplane, repo):
    synced = Synced(docsplane, repo, default_branch="feature")
    git(repo, "branch", "stable", "v1.0")

    synced.sync()

    shape = synced.shape()
    assert shape["stable"] == ("branch", "stable", True) and "stable_a" not in shape
    assert synced.versions()["stable"]["alias_of"] is None  # so `ref` is null
    assert shape["latest"] == ("branch", "feature", True)
    assert synced.project()["default_branch"] == "feature"  # the maintainers' choice stays

    git(repo, "branch", "-D", "stable")
    synced.sync()
    assert synced.shape()["stable"] == ("tag", sha(repo, "v2.0"), True)  # machine-made again


def test_the_detected_default_branch_follows_head_until_the_maintainers_choose_one(docsplane, repo):
    synced = Synced(docsplane, repo)
    synced.sync()
    git(repo, "symbolic-ref", "HEAD", "refs/heads/feature")  # the repository's default branch changes

    synced.sync()
    assert synced.project()["default_branch"] == "feature" and synced.shape()["latest"][1] == "feature"

    docsplane.projects.update_project("alice", synced.slug, {"default_branch": "main"})
    synced.sync()
    assert synced.project()["default_branch"] == "main" and synced.shape()["latest"][1] == "main"


def test_an_unreachable_repository_is_logged_and_changes_nothing(docsplane, tmp_path, caplog):
    synced = Synced(docsplane, tmp_path / "no-such-repo")
    before = len(event_log(docsplane))

    with caplog.at_level(logging.WARNING, logger="docsplane.version_sync"):
        assert synced.sync() is None

    assert "could not read the repository's branches and tags" in caplog.text
    recorded = [topic_name(n.topic) for n in event_log(docsplane)[before:]]
    assert recorded == ["VersionIndexStarted", "VersionSyncFailed"]  # on the index, not the project
    assert list(synced.versions()) == ["latest"]


def test_the_password_of_a_repository_url_is_masked_in_the_error(docsplane):
    from workers.version_sync import RepositoryUnreadable

    with pytest.raises(RepositoryUnreadable) as raised:
        read_refs("https://user:hunter22@127.0.0.1:1/hunter22.git", sandbox_for(docsplane.settings), docsplane.settings.data_dir, timeout=10)  # git prints the path
    assert "hunter22" not in str(raised.value) and "/****.git" in str(raised.value)


def test_racing_syncs_make_each_version_once(docsplane, repo):
    synced = Synced(docsplane, repo)
    for n in range(20):
        git(repo, "tag", f"3.{n}")
    syncers = [version_syncer(docsplane, actor=f"worker:{n}") for n in range(3)]
    threads = [threading.Thread(target=s.sync, args=(synced.slug,)) for s in syncers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    docsplane.catch_up()

    versions = synced.versions()
    assert len(versions) == 2 + 2 + 2 + 20  # latest, stable; main, feature; v1.0, v2.0; 3.0 … 3.19
    assert not [slug for slug in versions if "_" in slug]  # no duplicates under suffixed slugs
    assert versions["stable"]["alias_of"] == "3.19"


def test_ls_remote_lines_that_are_not_refs_are_skipped():
    output = ("warning: redirecting to https://example.com/repo.git/\n"
              "ref: refs/heads/trunk\tHEAD\n" + "a" * 40 + "\tHEAD\n" + "a" * 40 + "\trefs/heads/trunk\n"
              + "b" * 40 + "\trefs/tags/v1\n" + "c" * 40 + "\trefs/tags/v1^{}\n" + "d" * 40 + "\trefs/pull/1/head\n")
    refs = parse_ls_remote(output)
    assert (refs.head, refs.branches, refs.tags) == ("trunk", {"trunk": "a" * 40}, {"v1": "c" * 40})


def test_a_version_deleted_by_a_sync_is_still_seen_as_it_was(docsplane, repo):
    from datetime import datetime, timezone

    synced = Synced(docsplane, repo)
    synced.sync()
    before = datetime.now(timezone.utc)
    git(repo, "tag", "-d", "v1.0")
    synced.sync()

    assert "v1.0" not in synced.versions()
    then = docsplane.point_in_time.version(synced.slug, "v1.0", before, "alice")
    assert (then["type"], then["identifier"]) == ("tag", sha(repo, "main~1"))
    assert docsplane.point_in_time.version(synced.slug, "v1.0", datetime.now(timezone.utc), "alice") is None


def test_a_build_syncs_first_so_a_moved_tag_builds_at_its_new_commit(docsplane, tmp_path):
    from git_support import build_config

    repo = git_repository(tmp_path / "repo", build_config("git rev-parse HEAD"))
    git(repo, "tag", "v1.0")
    synced = Synced(docsplane, repo)
    synced.sync()
    activated = docsplane.versions.update_version("alice", synced.slug, "v1.0", {"active": True})
    [first] = [r.domain_event.number for r in activated.recordings if type(r.domain_event).__name__ == "BuildTriggered"]
    again = docsplane.versions.update_version("alice", synced.slug, "v1.0", {"active": True})
    assert [type(r.domain_event).__name__ for r in again.recordings] == []  # already active: no second build
    moved = commit(repo, {"README": "moved\n"})
    git(repo, "tag", "-f", "v1.0")

    assert build_runner(docsplane).run(first) is True
    docsplane.catch_up()

    assert docsplane.read_model.build(synced.slug, first)["commit_hash"] == moved
    assert synced.shape()["v1.0"] == ("tag", moved, True)
