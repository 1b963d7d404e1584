"""Read model of versions, with what builds tell about them (last build, built, the published release)."""

from domain.build import Build
from domain.project import Project
from domain.version import Version
from projections.read_model import ReadModelProjection, as_json, handles, update_row
from projections.times import event_time


class VersionsProjection(ReadModelProjection):
    name = "versions"
    tables = ("versions", "version_builds")
    ddl = (
        """CREATE TABLE IF NOT EXISTS versions (
            aggregate_id TEXT PRIMARY KEY,
            id BIGINT NOT NULL,
            project_id TEXT NOT NULL,
            project_slug TEXT NOT NULL,
            slug TEXT NOT NULL,
            verbose_name TEXT NOT NULL,
            identifier TEXT NOT NULL,
            type TEXT NOT NULL,
            active BOOLEAN NOT NULL,
            built BOOLEAN NOT NULL,
            hidden BOOLEAN NOT NULL,
            privacy_level TEXT NOT NULL,
            alias_of TEXT,
            last_build_id BIGINT,
            published_release TEXT,
            published_formats TEXT,
            published_hash TEXT,
            published_at TEXT,
            created TEXT NOT NULL,
            modified TEXT NOT NULL,
            aggregate_version BIGINT NOT NULL,
            UNIQUE (project_slug, slug)
        )""",
        "CREATE INDEX IF NOT EXISTS versions_active ON versions (project_slug, active)",
        "CREATE INDEX IF NOT EXISTS versions_built ON versions (project_slug, built)",
        "CREATE INDEX IF NOT EXISTS versions_type ON versions (project_slug, type)",
        # Which version each build is of, for BuildFinished (which names only the build).
        """CREATE TABLE IF NOT EXISTS version_builds (
            build_aggregate_id TEXT PRIMARY KEY,
            version_aggregate_id TEXT NOT NULL
        )""",
    )

    @handles(Version.VersionCreated, Version.VersionRecreated)
    def created(self, tx, e):
        """A new version, or one whose branch or tag came back after it was deleted."""
        tx.execute(
            "INSERT INTO versions (aggregate_id, id, project_id, project_slug, slug, verbose_name,"
            " identifier, type, active, built, hidden, privacy_level, alias_of, created, modified, aggregate_version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(e.originator_id), e.number, str(e.project_id), e.project_slug, e.slug,
                e.verbose_name, e.identifier, e.type, e.active, False, False, "public",
                getattr(e, "alias_of", None),  # events recorded before aliases existed have none
                event_time(e), event_time(e), e.originator_version,
            ),
        )

    @handles(Version.VersionActivated)
    def activated(self, tx, e):
        update_row(tx, "versions", e, {"active": True})

    @handles(Version.VersionDeactivated)
    def deactivated(self, tx, e):
        update_row(tx, "versions", e, {"active": False})

    @handles(Version.VersionUpdated)
    def updated(self, tx, e):
        columns = ("hidden", "privacy_level", "identifier", "alias_of", "type", "verbose_name")
        update_row(tx, "versions", e, {k: v for k, v in e.changes.items() if k in columns})

    @handles(Version.VersionDeleted)
    def deleted(self, tx, e):
        tx.execute("DELETE FROM version_builds WHERE version_aggregate_id = ?", (str(e.originator_id),))
        tx.execute("DELETE FROM versions WHERE aggregate_id = ?", (str(e.originator_id),))

    @handles(Version.VersionPublished)
    def published(self, tx, e):
        update_row(tx, "versions", e, {"built": True, "published_release": e.release_id, "published_formats": as_json(e.formats),
                          "published_hash": e.content_hash, "published_at": event_time(e)})

    # A Build event must not move the version's aggregate_version (its ETag): no update_row below.
    @handles(Build.BuildTriggered)
    def build_triggered(self, tx, e):
        tx.execute(
            "INSERT INTO version_builds (build_aggregate_id, version_aggregate_id) VALUES (?, ?)",
            (str(e.originator_id), str(e.version_id)),
        )
        tx.execute("UPDATE versions SET last_build_id = ? WHERE aggregate_id = ?", (e.number, str(e.version_id)))

    @handles(Build.BuildFinished)
    def build_finished(self, tx, e):
        if e.success:
            tx.execute(
                "UPDATE versions SET built = ? WHERE aggregate_id ="
                " (SELECT version_aggregate_id FROM version_builds WHERE build_aggregate_id = ?)",
                (True, str(e.originator_id)),
            )

    @handles(Project.ProjectDeleted)
    def project_deleted(self, tx, e):
        project_id = str(e.originator_id)
        tx.execute(
            "DELETE FROM version_builds WHERE version_aggregate_id IN (SELECT aggregate_id FROM versions WHERE project_id = ?)",
            (project_id,),
        )
        tx.execute("DELETE FROM versions WHERE project_id = ?", (project_id,))
