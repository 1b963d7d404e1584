"""Commands on versions: activate, deactivate, hide, change privacy; ask for a sync with the repository;
record what a build published."""

from commands.concurrency import retry_on_conflict
from commands.loading import load_build, load_project, load_version
from commands.preconditions import require_version
from commands.result import Written


class VersionCommands:
    def __init__(self, app):
        self.app = app

    @retry_on_conflict
    def update_version(
        self, actor: str, project_slug: str, version_slug: str, changes: dict, expected_version: int | None = None
    ) -> Written:
        project = load_project(self.app, project_slug)
        project.ensure_maintainer(actor)
        version = load_version(self.app, project, version_slug)
        require_version(version, expected_version)
        if changes.get("active") is True:
            version.activate(actor)
        elif changes.get("active") is False:
            version.deactivate(actor, default_version=project.default_version)
        version.update(actor, {k: v for k, v in changes.items() if k in ("hidden", "privacy_level")})
        return Written(version_slug, self.app.save(version))

    @retry_on_conflict
    def request_version_sync(self, actor: str, project_slug: str) -> Written:
        """Maintainers ask the build workers to re-read the repository's branches and tags."""
        project = load_project(self.app, project_slug)
        project.request_version_sync(actor)
        return Written(project_slug, self.app.save(project))

    @retry_on_conflict
    def record_publication(self, actor: str, build_number: int, release) -> Written:
        """A build worker stored a build's output as `release` (artifacts.store.Release); a build
        finished already (cancelled meanwhile) publishes nothing: ValidationFailed."""
        build = load_build(self.app, build_number)
        build.require_publisher(actor)
        version = self.app.repository.get(build.version_id)
        version.publish(actor, build_number, release.release_id, release.formats, release.files, release.bytes,
                        release.content_hash)
        return Written(release.release_id, self.app.save(version))
