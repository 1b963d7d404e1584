"""Commands on builds: trigger (by a maintainer), and progress (by a build worker)."""

from datetime import datetime, timezone

from commands.handling.concurrency import retry_on_conflict
from commands.handling.loading import load_build, load_project, load_version
from commands.handling.result import Written
from domain.build import Build
from domain.errors import UnknownResource, VersionInactive, VersionMissing


class BuildCommands:
    def __init__(self, app, ids):
        self.app = app
        self.ids = ids

    @retry_on_conflict
    def trigger_build(self, actor: str, project_slug: str, version_slug: str | None = None,
                      version_in_body: bool = False) -> Written:
        """Trigger a build of a version (the project's default version when none is named).

        An unknown version named in the URL is a 404; named in the request body it is a field that
        refers to nothing: 422 `missing` (seed 004)."""
        project = load_project(self.app, project_slug)
        project.ensure_maintainer(actor)
        try:
            version = load_version(self.app, project, version_slug or project.default_version)
        except UnknownResource:
            if not version_in_body:
                raise
            raise VersionMissing("Build", "version", f"the project has no version '{version_slug}'") from None
        if not version.active:
            raise VersionInactive("Build", "version", f"version '{version.slug}' is not active")
        build = new_build(self.ids, project, version, actor)
        return Written(build.number, self.app.save(build))

    @retry_on_conflict
    def cancel_build(self, actor: str, project_slug: str, number: int) -> Written:
        """A maintainer stops a build. The value is True when the build is running (its worker
        ends it shortly) and False when it ended at once; AlreadyDone when it had already finished."""
        project = load_project(self.app, project_slug)
        build = load_build(self.app, number)
        if build.project_id != project.id:
            raise UnknownResource(f"build {number} of project '{project_slug}'")
        project.ensure_maintainer(actor)
        build.request_cancel(actor, datetime.now(timezone.utc))
        return Written(not build.is_finished, self.app.save(build))

    @retry_on_conflict
    def change_build_state(self, actor: str, number: int, state: str, commit: str | None = None) -> Written:
        build = load_build(self.app, number)
        build.change_state(state, actor, commit=commit)
        return Written(number, self.app.save(build))

    @retry_on_conflict
    def finish_build(self, actor: str, number: int, success: bool, error: str | None = None,
                     builder: str | None = None) -> Written:
        build = load_build(self.app, number)
        build.finish(success, actor, error=error, builder=builder)
        return Written(number, self.app.save(build))

    @retry_on_conflict
    def configure_build(self, actor: str, number: int, config: dict) -> Written:
        build = load_build(self.app, number)
        build.configure(config, actor)
        return Written(number, self.app.save(build))

    @retry_on_conflict
    def record_command(self, actor: str, build_number: int, command: str, output: str, exit_code: int,
                       started: datetime | None = None, finished: datetime | None = None) -> Written:
        """Record one command a build ran; the value is the command's id. Times default to now."""
        finished = finished or datetime.now(timezone.utc)
        build = load_build(self.app, build_number)
        command_id = self.ids["buildcommand"].next()
        build.record_command(command_id, command, output, exit_code, started or finished, finished, actor)
        return Written(command_id, self.app.save(build))


def new_build(ids, project, version, actor: str) -> Build:
    """A triggered build of an active version (saved by the caller)."""
    return Build(
        number=ids["build"].next(), project_id=project.id, project_slug=project.slug,
        version_id=version.id, version_slug=version.slug, actor=actor,
    )
