"""VersionIndex: the slugs of a project's versions, so that a version sync can load every version it
compares with the repository (the event store has no query by project). Saved with the versions a
sync creates and deletes, so it never disagrees with them; a racing sync fails its save and retries.
A sync that could not read the repository is recorded here too (the project's audit history shows it),
not on the project: that would change the project's ETag under its maintainers."""

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import version_index_id


class VersionIndex(Aggregate):
    @staticmethod
    def create_id(project_id: UUID) -> UUID:
        return version_index_id(project_id)

    @event("VersionIndexStarted")
    def __init__(self, *, project_id: UUID, slugs: list[str]):
        self.project_id = project_id
        self.slugs = sorted(slugs)

    def change(self, added: list[str], removed: list[str], actor: str) -> None:
        if set(added) - set(self.slugs) or set(removed) & set(self.slugs):
            self._change(added=sorted(set(added)), removed=sorted(set(removed)), actor=actor)

    @event("VersionsIndexed")
    def _change(self, added: list[str], removed: list[str], actor: str) -> None:
        self.slugs = sorted((set(self.slugs) | set(added)) - set(removed))

    @event("VersionSyncFailed")
    def record_failure(self, reason: str, actor: str) -> None:
        pass
