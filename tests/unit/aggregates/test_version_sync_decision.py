"""The version sync's decision: a repository's branches and tags, and a project's versions, become
the changes Read the Docs would make (new versions inactive, gone ones deleted unless active,
`latest` on the default branch, `stable` on the highest final release)."""

import pytest

from domain.rules.version_slug import unique_version_slug, version_slug
from domain.rules.version_sync import (
    Create, Delete, ExistingVersion, RepositoryRefs, Update, decide_sync, parse_release,
)

A, B, C = "a" * 40, "b" * 40, "c" * 40


def latest(identifier="main", alias_of="main", **extra) -> ExistingVersion:
    return ExistingVersion("latest", "latest", "branch", identifier, active=True, machine=True, alias_of=alias_of, **extra)


def branch(name, slug=None, active=False) -> ExistingVersion:
    return ExistingVersion(slug or name, name, "branch", name, active=active)


def tag(name, commit, slug=None, active=False) -> ExistingVersion:
    return ExistingVersion(slug or name, name, "tag", commit, active=active)


def stable(release, commit, type="tag") -> ExistingVersion:
    return ExistingVersion("stable", "stable", type, commit, active=True, machine=True, alias_of=release)


def refs(branches=("main",), tags=None, head="main") -> RepositoryRefs:
    return RepositoryRefs(branches={b: A for b in branches}, tags=dict(tags or {}), head=head)


def test_a_new_repository_gets_its_branches_and_tags_inactive_and_stable_on_the_highest_release():
    decision = decide_sync(refs(("main", "feature"), {"v1.0": A, "v2.0": B}), [latest("HEAD", None)], None)
    assert decision.creates == [
        Create("v1.0", "v1.0", "tag", A), Create("v2.0", "v2.0", "tag", B),
        Create("feature", "feature", "branch", "feature"), Create("main", "main", "branch", "main"),
        Create("stable", "stable", "tag", B, active=True, machine=True, alias_of="v2.0"),
    ]
    assert decision.updates == [Update("latest", {"identifier": "main", "alias_of": "main"})]
    assert decision.deletes == [] and decision.kept == []


def test_nothing_changes_when_the_versions_match_the_repository():
    existing = [latest(), branch("main"), tag("v1.0", A), stable("v1.0", A)]
    assert decide_sync(refs(tags={"v1.0": A}), existing, None).changes == []


def test_a_moved_tag_updates_its_identifier_and_stable_with_it():
    existing = [latest(), branch("main"), tag("v1.0", A), stable("v1.0", A)]
    decision = decide_sync(refs(tags={"v1.0": C}), existing, None)
    assert decision.updates == [Update("v1.0", {"identifier": C}), Update("stable", {"identifier": C})]


def test_a_gone_branch_or_tag_deletes_its_inactive_version_and_keeps_an_active_one():
    existing = [latest(), branch("main"), branch("old"), branch("live", active=True), tag("v0.9", C), tag("v1.0", A)]
    decision = decide_sync(refs(tags={"v1.0": A}), [*existing, stable("v1.0", A)], None)
    assert decision.deletes == [Delete("old"), Delete("v0.9")]
    assert decision.kept == ["live"]
    assert decision.creates == [] and decision.updates == []


def test_stable_moves_when_a_higher_release_appears():
    existing = [latest(), branch("main"), tag("v1.0", A), stable("v1.0", A)]
    decision = decide_sync(refs(tags={"v1.0": A, "v1.1": B}), existing, None)
    assert decision.creates == [Create("v1.1", "v1.1", "tag", B)]
    assert decision.updates == [Update("stable", {"identifier": B, "alias_of": "v1.1"})]


@pytest.mark.parametrize("tags, expected", [
    (["1.0", "2.0rc1", "2.0.dev3", "2.0a1", "2.0b2"], "1.0"),  # pre- and dev releases are not final
    (["v1.9", "v1.10", "v1.2"], "v1.10"),  # numbers, not text
    (["1.0", "1.0.post1"], "1.0.post1"),  # a post release is final
    (["0.9", "1.x", "1.5"], "1.x"),  # RTD sorts 1.x above every 1.* release
    (["nightly", "docs", "1.0", "release-candidate"], "1.0"),  # names that are no version are ignored
    (["2!1.0", "9.0"], "2!1.0"),  # an epoch beats any release without one
])
def test_stable_is_the_highest_pep440_final_release(tags, expected):
    commits = {name: f"{i:040x}" for i, name in enumerate(tags)}
    decision = decide_sync(refs(tags=commits), [latest(), branch("main")], None)
    [created_stable] = [c for c in decision.creates if c.slug == "stable"]
    assert (created_stable.alias_of, created_stable.identifier, created_stable.type) == (version_slug(expected), commits[expected], "tag")


def test_only_prereleases_make_no_stable():
    decision = decide_sync(refs(tags={"2.0rc1": A, "3.0.dev0": B}), [latest(), branch("main")], None)
    assert [c.slug for c in decision.creates] == ["2.0rc1", "3.0.dev0"]


def test_without_release_tags_stable_is_the_highest_release_branch():
    decision = decide_sync(refs(("main", "1.x", "2.0", "2.1rc1"), {"nightly": A}), [latest(), branch("main")], None)
    [created_stable] = [c for c in decision.creates if c.slug == "stable"]
    assert (created_stable.alias_of, created_stable.identifier, created_stable.type) == ("2.0", "2.0", "branch")


def test_a_release_tag_wins_over_a_higher_release_branch():
    decision = decide_sync(refs(("main", "3.0"), {"v2.0": B}), [latest(), branch("main")], None)
    [created_stable] = [c for c in decision.creates if c.slug == "stable"]
    assert created_stable.alias_of == "v2.0"


def test_a_branch_named_stable_takes_the_machine_made_stables_place():
    existing = [latest(), branch("main"), tag("v1.0", A), stable("v1.0", A)]
    decision = decide_sync(refs(("main", "stable"), {"v1.0": A}), existing, None)
    assert decision.updates == [Update("stable", {"type": "branch", "identifier": "stable", "machine": False, "alias_of": None})]
    assert decision.creates == []  # no `stable_a`: the branch is the stable version


def test_when_the_stable_branch_is_gone_stable_is_machine_made_again():
    user_stable = ExistingVersion("stable", "stable", "branch", "stable", active=True, machine=False)
    decision = decide_sync(refs(tags={"v1.0": A}), [latest(), branch("main"), tag("v1.0", A), user_stable], None)
    assert decision.updates == [Update("stable", {"type": "tag", "identifier": A, "machine": True, "alias_of": "v1.0"})]
    assert decision.deletes == []  # stable is never deleted


def test_a_tag_named_latest_takes_latests_place():
    decision = decide_sync(refs(tags={"latest": C}), [latest(), branch("main")], None)
    assert decision.updates == [Update("latest", {"type": "tag", "identifier": C, "machine": False, "alias_of": None})]


def test_latest_follows_the_projects_default_branch_over_the_repositorys_head():
    existing = [latest(), branch("main"), branch("develop")]
    decision = decide_sync(refs(("main", "develop")), existing, "develop")
    assert decision.updates == [Update("latest", {"identifier": "develop", "alias_of": "develop"})]


def test_latest_follows_a_default_branch_that_is_a_tag():
    decision = decide_sync(refs(tags={"v1.0": A}), [latest(), branch("main")], "v1.0")
    assert Update("latest", {"type": "tag", "identifier": "v1.0", "alias_of": "v1.0"}) in decision.updates


def test_a_tag_and_a_branch_of_the_same_name_get_distinct_slugs():
    decision = decide_sync(refs(("main", "1.0"), {"1.0": A}), [latest(), branch("main")], None)
    assert [(c.slug, c.type) for c in decision.creates if c.slug != "stable"] == [("1.0", "tag"), ("1.0_a", "branch")]


def test_names_that_slugify_alike_get_suffixes_and_existing_slugs_are_kept():
    existing = [latest(), branch("main"), branch("Release/1.0", slug="release-1.0")]
    decision = decide_sync(refs(("main", "Release/1.0", "release-1.0", "release/1.0")), existing, None)
    assert [(c.slug, c.verbose_name) for c in decision.creates] == [("release-1.0_a", "release-1.0"), ("release-1.0_b", "release/1.0")]


def test_many_tags():
    tags = {f"v{major}.{minor}": f"{major:020x}{minor:020x}" for major in range(30) for minor in range(30)}
    decision = decide_sync(refs(tags=tags), [latest(), branch("main")], None)
    assert len(decision.creates) == 901
    assert decision.creates[-1] == Create("stable", "stable", "tag", tags["v29.29"], active=True, machine=True, alias_of="v29.29")


@pytest.mark.parametrize("name, slug", [
    ("release/1.0", "release-1.0"), ("Feature Branch", "feature-branch"), ("V2.0_RC", "v2.0_rc"),
    ("--x", "x"), ("été", "ete"), ("a--b", "a-b"), ("日本", "unknown"), ("what?now!", "what-now-"),
])
def test_version_slugs_as_read_the_docs_makes_them(name, slug):
    assert version_slug(name) == slug


def test_uniquifying_suffixes_are_letters():
    taken = {"1.0", *(f"1.0_{c}" for c in "abcdefghijklmnopqrstuvwxyz")}
    assert unique_version_slug("1.0", {"1.0"}) == "1.0_a"
    assert unique_version_slug("1.0", taken) == "1.0_ba"


def test_release_parsing():
    assert parse_release("v2.0") == parse_release("2.0")
    assert parse_release("feature") is None
    assert parse_release("2.0rc1").is_prerelease
