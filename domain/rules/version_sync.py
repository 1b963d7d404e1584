"""The version sync's decision, as Read the Docs makes it (readthedocs/api/v2/utils.py,
projects/models.py `update_latest_version`/`update_stable_version`): the repository's branches and
tags, compared with a project's versions, become a list of changes. Pure: the commands apply it.

- A branch or tag with no version gets one, inactive. A branch's identifier is its name, a tag's its
  commit (so a moved tag updates its version's identifier, a moved branch needs nothing).
- A version whose branch or tag is gone is deleted when inactive, kept (and reported) when active.
- `latest` follows the default branch: the project's `default_branch`, else the repository's HEAD.
- `stable` is the highest PEP 440 final release among the tags (else the branches), moving when a
  higher one appears. A branch or tag named `latest` or `stable` takes that version's place: it is
  then an ordinary version (not machine-made) until the branch or tag is gone.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from packaging.version import InvalidVersion, Version as Release

from domain.rules.version_slug import unique_version_slug

LATEST = "latest"
STABLE = "stable"
MACHINE_SLUGS = (LATEST, STABLE)
REPOSITORY_TYPES = ("tag", "branch")  # tags first, as RTD syncs them: a tag `1.0` gets `1.0`, a branch `1.0` `1.0_a`


@dataclass(frozen=True)
class RepositoryRefs:
    """What `git ls-remote` tells: branch and tag names with their commits, and HEAD's branch."""
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    head: str | None = None

    def names(self, type: str) -> dict[str, str]:
        return self.tags if type == "tag" else self.branches

    def identifier(self, type: str, name: str) -> str:
        return self.tags[name] if type == "tag" else name


@dataclass(frozen=True)
class ExistingVersion:
    slug: str
    verbose_name: str
    type: str
    identifier: str
    active: bool
    machine: bool = False
    alias_of: str | None = None


@dataclass(frozen=True)
class Create:
    slug: str
    verbose_name: str
    type: str
    identifier: str
    active: bool = False
    machine: bool = False
    alias_of: str | None = None


@dataclass(frozen=True)
class Update:
    slug: str
    changes: dict


@dataclass(frozen=True)
class Delete:
    slug: str


@dataclass
class SyncDecision:
    creates: list[Create] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    deletes: list[Delete] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # active versions whose branch or tag is gone

    @property
    def changes(self) -> list:
        return [*self.creates, *self.updates, *self.deletes]


def decide_sync(refs: RepositoryRefs, existing: list[ExistingVersion], default_branch: str | None) -> SyncDecision:
    """The changes that make `existing` match `refs`; `default_branch` is the project's own setting."""
    decision = SyncDecision()
    by_slug = {v.slug: v for v in existing}
    plain = {(v.type, v.verbose_name): v for v in existing if v.slug not in MACHINE_SLUGS}
    slug_of = _match_refs(decision, refs, plain, taken=set(by_slug) | set(MACHINE_SLUGS))
    _drop_gone(decision, refs, plain)
    _follow(decision, by_slug.get(LATEST), refs, _latest_target(refs, default_branch, slug_of), LATEST)
    _follow(decision, by_slug.get(STABLE), refs, _stable_target(slug_of), STABLE)
    return decision


def _match_refs(decision: SyncDecision, refs: RepositoryRefs, plain: dict, taken: set[str]) -> dict[tuple[str, str], str]:
    """Create or update the version of each branch and tag; returns (type, name) -> its version's slug."""
    slug_of = {}
    for type in REPOSITORY_TYPES:
        for name in sorted(set(refs.names(type)) - set(MACHINE_SLUGS)):
            identifier = refs.identifier(type, name)
            version = plain.get((type, name))
            if version is None:
                slug = unique_version_slug(name, taken)
                taken.add(slug)
                decision.creates.append(Create(slug, name, type, identifier))
            else:
                slug = version.slug
                if version.identifier != identifier:
                    decision.updates.append(Update(slug, {"identifier": identifier}))
            slug_of[(type, name)] = slug
    return slug_of


def _drop_gone(decision: SyncDecision, refs: RepositoryRefs, plain: dict) -> None:
    """Versions whose branch or tag is gone: deleted when inactive, kept (reported) when active."""
    for (type, name), version in sorted(plain.items(), key=lambda item: item[1].slug):
        if type not in REPOSITORY_TYPES or name in refs.names(type):
            continue
        if version.active:
            decision.kept.append(version.slug)
        else:
            decision.deletes.append(Delete(version.slug))


@dataclass(frozen=True)
class _Target:
    """What a machine-made version should stand for: a branch or tag, and the slug of its version."""
    type: str
    name: str
    slug: str | None


def _latest_target(refs: RepositoryRefs, default_branch: str | None, slug_of: dict) -> _Target | None:
    name = default_branch or refs.head
    if name is None:
        return None
    type = "tag" if name in refs.tags and name not in refs.branches else "branch"
    return _Target(type, name, slug_of.get((type, name)))


def _stable_target(slug_of: dict) -> _Target | None:
    """The highest final release, a tag before any branch; equal releases (`v1.0`, `1.0`) by name."""
    releases = [(release, type, name) for (type, name) in slug_of if (release := parse_release(name)) and not release.is_prerelease]
    for wanted in REPOSITORY_TYPES:
        found = [(release, name) for release, type, name in releases if type == wanted]
        if found:
            release, name = max(found, key=lambda item: (item[0], item[1]))
            return _Target(wanted, name, slug_of[(wanted, name)])
    return None


def _follow(decision: SyncDecision, current: ExistingVersion | None, refs: RepositoryRefs, target: _Target | None,
            slug: str) -> None:
    """Make the machine-made `slug` stand for `target`, or give its place to a branch or tag of that name."""
    own_type = next((type for type in REPOSITORY_TYPES if slug in refs.names(type)), None)
    if own_type is not None:
        wanted = {"verbose_name": slug, "type": own_type, "identifier": refs.identifier(own_type, slug),
                  "machine": False, "alias_of": None}
    elif target is None:
        if current is not None and not current.machine:  # its own branch or tag is gone, with nothing to follow
            decision.updates.append(Update(slug, {"machine": True}))
        return
    else:
        identifier = target.name if slug == LATEST or target.type == "branch" else refs.tags[target.name]
        wanted = {"verbose_name": slug, "type": target.type, "identifier": identifier, "machine": True,
                  "alias_of": target.slug}
    if current is None:
        decision.creates.append(Create(slug=slug, active=True, **wanted))
        return
    changes = {key: value for key, value in wanted.items() if getattr(current, key) != value}
    if changes:
        decision.updates.append(Update(slug, changes))


def parse_release(name: str) -> Release | None:
    """A branch or tag name as a PEP 440 version (`v2.0` → 2.0); `1.x` sorts above every `1.*`
    release, as RTD's parse_version_failsafe has it; None when it is not a version."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    try:
        return Release(text)
    except InvalidVersion:
        if ".x" in text:
            return parse_release(text.replace(".x", ".999999"))
        return None
