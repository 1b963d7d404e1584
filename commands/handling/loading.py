"""Finding aggregates by the natural keys the API uses."""

from eventsourcing.application import AggregateNotFoundError

from domain.errors import UnknownResource
from domain.ids import build_id, slug_index_id, user_id, version_id
from domain.project import Project
from domain.version import Version


def get_or_none(app, aggregate_id):
    try:
        return app.repository.get(aggregate_id)
    except AggregateNotFoundError:
        return None


def load_live(app, aggregate_id, what: str):
    """A project's sub-resource (redirect, variable, hook): a deleted one is gone for good."""
    aggregate = get_or_none(app, aggregate_id)
    if aggregate is None or aggregate.deleted:
        raise UnknownResource(what)
    return aggregate


def load_project(app, slug: str) -> Project:
    """Through the project's slug index, or straight by the id it named last time (`app.project_ids`):
    one event-store read instead of two for nearly every command. The hint needs no invalidation:
    a slug is released only in the save that deletes its project, and a project's slug never changes,
    so a project found live under this slug still holds it."""
    hinted = app.project_ids.get(slug)
    if hinted is not None:
        project = get_or_none(app, hinted)
        if project is not None and not project.deleted and project.slug == slug:
            return project
        app.project_ids.pop(slug, None)
    index = get_or_none(app, slug_index_id(slug))
    if index is None or index.project_id is None:
        raise UnknownResource(f"project '{slug}'")
    project = app.repository.get(index.project_id)
    app.project_ids[slug] = index.project_id
    return project


def load_version(app, project: Project, slug: str) -> Version:
    version = get_or_none(app, version_id(project.id, slug))
    if version is None or version.deleted:
        raise UnknownResource(f"version '{slug}' of project '{project.slug}'")
    return version


def load_build(app, number: int):
    build = get_or_none(app, build_id(number))
    if build is None:
        raise UnknownResource(f"build {number}")
    return build


def load_user(app, username: str):
    user = get_or_none(app, user_id(username))
    if user is None:
        raise UnknownResource(f"user '{username}'")
    return user
