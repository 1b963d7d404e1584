"""RedirectTypeClaim: which redirect of a project is its one `clean_url_to_html` (or `html_to_clean_url`)
redirect. Read the Docs allows one of each per project (readthedocs/redirects/validators.py).

Its id derives from project and type, so two concurrent creates of such a redirect both try to record
the same version of the same claim, and the event store accepts exactly one of them."""

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import RedirectTypeTaken
from domain.ids import redirect_type_claim_id
from domain.redirect import CLEAN_URL_TO_HTML, HTML_TO_CLEAN_URL

ONE_PER_PROJECT = (CLEAN_URL_TO_HTML, HTML_TO_CLEAN_URL)


class RedirectTypeClaim(Aggregate):
    @staticmethod
    def create_id(project_id: UUID, type: str) -> UUID:
        return redirect_type_claim_id(project_id, type)

    @event("RedirectTypeClaimed")
    def __init__(self, *, project_id: UUID, type: str, owner: int, actor: str):
        self.project_id = project_id
        self.type = type
        self.owner: int | None = owner

    def require_free_for(self, number: int | None) -> None:
        if self.owner is not None and self.owner != number:
            raise RedirectTypeTaken("Redirect", "type",
                                    f"only one redirect of type '{self.type}' is allowed per project")

    def claim(self, owner: int, actor: str) -> None:
        self.require_free_for(owner)
        if self.owner != owner:
            self._claim(owner=owner, actor=actor)

    @event("RedirectTypeReclaimed")
    def _claim(self, owner: int, actor: str) -> None:
        self.owner = owner

    def release(self, owner: int, actor: str) -> None:
        if self.owner == owner:
            self._release(actor=actor)

    @event("RedirectTypeReleased")
    def _release(self, actor: str) -> None:
        self.owner = None
