"""Commands on redirects: create, change (PATCH and PUT), delete. Maintainers only.

A `clean_url_to_html` or `html_to_clean_url` redirect is saved together with its project's claim on
that type (a RedirectTypeClaim), so a project never holds two of one."""

from commands.handling.concurrency import retry_on_conflict
from commands.handling.loading import get_or_none, load_live, load_project
from commands.handling.preconditions import require_version
from commands.handling.result import Written
from domain.ids import redirect_id, redirect_type_claim_id
from domain.project import Project
from domain.redirect import DEFAULTS, Redirect, redirect_settings
from domain.redirect_type_claim import ONE_PER_PROJECT, RedirectTypeClaim


def load_redirect(app, project: Project, number: int) -> Redirect:
    return load_live(app, redirect_id(project.id, number), f"redirect {number} of project '{project.slug}'")


class RedirectCommands:
    def __init__(self, app, ids):
        self.app = app
        self.ids = ids

    @retry_on_conflict
    def create_redirect(self, actor: str, project_slug: str, type: str, from_url: str = "", to_url: str = "",
                        **fields) -> Written:
        """`fields`: any of Read the Docs' other redirect fields (those left out take its defaults)."""
        fields = {"type": type, "from_url": from_url, "to_url": to_url, **fields}
        project = load_project(self.app, project_slug)
        project.ensure_maintainer(actor)
        settings = redirect_settings(DEFAULTS, fields)  # before an id is reserved
        self._require_type_free(project, settings["type"], None)
        redirect = Redirect.create(
            project_id=project.id, project_slug=project.slug, number=self.ids["redirect"].next(), actor=actor, **fields,
        )
        return Written(redirect.number, self.app.save(redirect, *self._claims(project, redirect, None, actor)))

    @retry_on_conflict
    def change_redirect(self, actor: str, project_slug: str, number: int, changes: dict,
                        expected_version: int | None = None) -> Written:
        """The given fields become these; the others stay (Read the Docs' PATCH, and its PUT alike)."""
        project = load_project(self.app, project_slug)
        project.ensure_maintainer(actor)
        redirect = load_redirect(self.app, project, number)
        require_version(redirect, expected_version)
        was = redirect.type
        self._require_type_free(project, redirect_settings(redirect.settings(), changes)["type"], number)
        redirect.change(actor, changes)
        return Written(number, self.app.save(redirect, *self._claims(project, redirect, was, actor)))

    @retry_on_conflict
    def delete_redirect(self, actor: str, project_slug: str, number: int, expected_version: int | None = None) -> Written:
        project = load_project(self.app, project_slug)
        project.ensure_maintainer(actor)
        redirect = load_redirect(self.app, project, number)
        require_version(redirect, expected_version)
        redirect.delete(actor)
        return Written(number, self.app.save(redirect, *self._claims(project, redirect, redirect.type, actor)))

    # -- the one-per-project types ---------------------------------------------------------------
    def _claim_of(self, project: Project, type: str) -> RedirectTypeClaim | None:
        return get_or_none(self.app, redirect_type_claim_id(project.id, type)) if type in ONE_PER_PROJECT else None

    def _require_type_free(self, project: Project, type: str, number: int | None) -> None:
        claim = self._claim_of(project, type)
        if claim is not None:
            claim.require_free_for(number)

    def _claims(self, project: Project, redirect: Redirect, was: str | None, actor: str) -> list[RedirectTypeClaim]:
        """The claims to save with the redirect: its type's taken (unless deleted), the type it left released."""
        now = None if redirect.deleted else redirect.type
        touched = []
        if was in ONE_PER_PROJECT and was != now:
            claim = self._claim_of(project, was)
            if claim is not None:  # a redirect from before claims existed holds none
                claim.release(redirect.number, actor)
                touched.append(claim)
        if now in ONE_PER_PROJECT and now != was:
            claim = self._claim_of(project, now)
            if claim is None:
                claim = RedirectTypeClaim(project_id=project.id, type=now, owner=redirect.number, actor=actor)
            else:
                claim.claim(redirect.number, actor)
            touched.append(claim)
        return touched
