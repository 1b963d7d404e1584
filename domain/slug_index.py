"""SlugIndex: which project owns a slug. Its deterministic id makes slug claims race-free:
two concurrent imports both create version 1 of the same index aggregate, and the event store
accepts exactly one of them."""

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
