"""Applying a version sync: load the project's versions through its VersionIndex, let the domain
decide (the version sync rules), and turn each change into the versions' events. Everything is saved
by the caller in one atomic save, so a racing sync or a maintainer's PATCH makes it retry whole."""

from __future__ import annotations

from dataclasses import dataclass, field

from commands.handling.loading import get_or_none
from domain.ids import version_id, version_index_id
from domain.project import Project
from domain.version import Version
from domain.version_index import VersionIndex
from domain.rules.version_sync import MACHINE_SLUGS, Create, ExistingVersion, RepositoryRefs, decide_sync


@dataclass(frozen=True)
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # active versions whose branch or tag is gone
    default_branch: str | None = None

    def __str__(self) -> str:
        parts = [f"{name} {', '.join(slugs)}" for name, slugs in
                 (("created", self.created), ("updated", self.updated), ("deleted", self.deleted),
                  ("kept (active, branch or tag gone)", self.kept)) if slugs]
        return "; ".join(parts) or "nothing changed"


def apply_sync(app, ids, project: Project, refs: RepositoryRefs, actor: str) -> tuple[SyncReport, list]:
    """The report and every aggregate the sync changed (the project, its index, its versions)."""
    index = version_index(app, project)
    versions = {slug: version for slug in index.slugs
                if (version := get_or_none(app, version_id(project.id, slug))) is not None and not version.deleted}
    project.detect_default_branch(refs.head, actor)
    decision = decide_sync(refs, [_existing(v) for v in versions.values()], project.chosen_default_branch)
    touched: list = [project, index]
    for create in decision.creates:
        touched.append(_create(app, ids, project, create, actor))
    for update in decision.updates:
        versions[update.slug].update(actor, update.changes)
    for delete in decision.deletes:
        versions[delete.slug].delete(actor)
    touched += [versions[change.slug] for change in [*decision.updates, *decision.deletes]]
    index.change(added=[c.slug for c in decision.creates], removed=[d.slug for d in decision.deletes], actor=actor)
    report = SyncReport(
        created=[c.slug for c in decision.creates], updated=sorted({u.slug for u in decision.updates}),
        deleted=[d.slug for d in decision.deletes], kept=decision.kept, default_branch=project.default_branch,
    )
    return report, list({id(obj): obj for obj in touched}.values())


def version_index(app, project: Project) -> VersionIndex:
    """The project's index; a project imported before the sync existed starts one with its `latest`
    (and a `stable`, if one was made)."""
    index = get_or_none(app, version_index_id(project.id))
    if index is None:
        made = [slug for slug in MACHINE_SLUGS if get_or_none(app, version_id(project.id, slug)) is not None]
        index = VersionIndex(project_id=project.id, slugs=made)
    return index


def _existing(version: Version) -> ExistingVersion:
    return ExistingVersion(slug=version.slug, verbose_name=version.verbose_name, type=version.type,
                           identifier=version.identifier, active=version.active, machine=version.machine,
                           alias_of=version.alias_of)


def _create(app, ids, project: Project, create: Create, actor: str) -> Version:
    """A new version; one deleted earlier under this slug (its deterministic id) starts again."""
    fields = dict(number=ids["version"].next(), verbose_name=create.verbose_name, identifier=create.identifier,
                  type=create.type, active=create.active, machine=create.machine, alias_of=create.alias_of, actor=actor)
    previous = get_or_none(app, version_id(project.id, create.slug))
    if previous is None:
        return Version.create(project_id=project.id, project_slug=project.slug, slug=create.slug, **fields)
    if previous.deleted:
        previous.recreate(**fields)
    else:  # made outside a sync (by an earlier release), so missing from the index
        previous.update(actor, {k: fields[k] for k in ("verbose_name", "identifier", "type", "machine", "alias_of")})
    return previous
