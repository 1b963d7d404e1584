"""Commands on versions: activate (which builds the version, as RTD does), deactivate, hide, change
privacy; ask for a sync with the repository, and apply one; record what a
build published."""

from commands.builds import new_build
from commands.handling.concurrency import retry_on_conflict
from commands.handling.loading import load_build, load_project, load_version
from commands.handling.preconditions import require_version
from commands.handling.result import Written
from commands.version_sync import apply_sync, version_index
from domain.rules.version_sync import RepositoryRefs


class VersionCommands:
    def __init__(self, app, ids):
        self.app = app
        self.ids = ids

    @retry_on_conflict
    def update_version(
        self, actor: str, project_slug: str, version_slug: str, changes: dict, expected_version: int | None = None
    ) -> Written:
        project = load_project(self.app, project_slug)
        project.ensure_maintainer(actor)
        version = load_version(self.app, project, version_slug)
        require_version(version, expected_version)
        touched = [version]
        if changes.get("active") is True and not version.active:
            version.activate(actor)
            touched.append(new_build(self.ids, project, version, actor))
        elif changes.get("active") is False:
            version.deactivate(actor, default_version=project.default_version)
        version.update(actor, {k: v for k, v in changes.items() if k in ("hidden", "privacy_level")})
        return Written(version_slug, self.app.save(*touched))

    @retry_on_conflict
    def request_version_sync(self, actor: str, project_slug: str) -> Written:
        """Maintainers ask the build workers to re-read the repository's branches and tags."""
        project = load_project(self.app, project_slug)
        project.request_version_sync(actor)
        return Written(project_slug, self.app.save(project))

    @retry_on_conflict
    def record_publication(self, actor: str, build_number: int, release) -> Written:
        """A build worker stored a build's output as `release` (artifacts.store.Release); a build
        finished already (cancelled meanwhile) publishes nothing: IllegalBuildTransition."""
        build = load_build(self.app, build_number)
        build.require_publisher(actor)
        version = self.app.repository.get(build.version_id)
        version.publish(actor, build_number, release.release_id, release.formats, release.files, release.bytes,
                        release.content_hash)
        return Written(release.release_id, self.app.save(version))

    @retry_on_conflict
    def sync_versions(self, actor: str, project_slug: str, refs: RepositoryRefs) -> Written:
        """Make the project's versions match the repository's branches and tags (a build worker's
        command); the value is a SyncReport of what changed."""
        project = load_project(self.app, project_slug)
        report, touched = apply_sync(self.app, self.ids, project, refs, actor)
        recordings = self.app.save(*touched) if any(obj.pending_events for obj in touched) else []
        return Written(report, recordings)

    @retry_on_conflict
    def record_sync_failure(self, actor: str, project_slug: str, reason: str) -> Written:
        """A build worker could not read the repository: `reason` (git's words, secrets masked) goes
        into the project's history."""
        index = version_index(self.app, load_project(self.app, project_slug))
        index.record_failure(reason=reason, actor=actor)
        return Written(project_slug, self.app.save(index))
