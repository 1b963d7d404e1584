"""Queries over the `build_leases` read model, for the build workers."""

from datetime import datetime

from projections.times import fixed_width_time


class BuildLeaseQueries:
    def __init__(self, store):
        self.store = store

    def expired(self, now: datetime, limit: int = 100) -> list[int]:
        """Builds whose worker let its lease run out, the longest expired first."""
        rows = self.store.fetchall(
            "SELECT build_id FROM build_leases WHERE lease_expires < ? ORDER BY lease_expires LIMIT ?",
            (fixed_width_time(now), limit),
        )
        return [row["build_id"] for row in rows]

    def waiting(self) -> list[int]:
        """Builds waiting for a worker (triggered or retried, not leased), oldest first."""
        return [row["build_id"] for row in self.store.fetchall("SELECT build_id FROM build_leases WHERE worker IS NULL ORDER BY build_id")]

    def cancel_requested(self, number: int) -> bool:
        row = self.store.fetchone("SELECT cancel_requested FROM build_leases WHERE build_id = ?", (number,))
        return bool(row and row["cancel_requested"])
