"""SlugIndex: which project owns a slug. Its deterministic id makes slug claims race-free:
two concurrent imports both create version 1 of the same index aggregate (or, for a released slug,
both append the same next version of it), and the event store accepts exactly one of them."""

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import slug_index_id


class SlugIndex(Aggregate):
    @staticmethod
    def create_id(slug: str) -> UUID:
        return slug_index_id(slug)

    @event("SlugClaimed")
    def __init__(self, *, slug: str, project_id: UUID):
        self.slug = slug
        self.project_id = project_id

    @property
    def claimed(self) -> bool:
        return self.project_id is not None

    @event("SlugReleased")
    def release(self, actor: str) -> None:
        """The project was deleted: a later import may take the slug again."""
        self.project_id = None

    @event("SlugReclaimed")
    def reclaim(self, project_id: UUID, actor: str) -> None:
        self.project_id = project_id
