"""What a documentation page's version menu (the "flyout") lists around the version it shows: the
project's other versions with documentation to read (active, built, not hidden, as Read the Docs lists
them), its translations and its subprojects. Only what the viewer may see:
public things for anonymous readers, and private ones for their maintainers (`sees_private`, `visible_sql`)."""

from projections.visibility import sees_private, visible_sql


class FlyoutQueries:
    def __init__(self, store):
        self.store = store

    def menu(self, project: dict, viewer: str | None, version_slug: str, scope: list[str] | None = None) -> dict:
        """`project` is a row the viewer may see; lists `versions`, `translations`, `subprojects`."""
        versions_sql = "SELECT slug, verbose_name FROM versions WHERE project_slug = ? AND active = ? AND hidden = ? AND built = ?"
        if not sees_private(project, viewer, scope):
            versions_sql += " AND privacy_level = 'public'"
        translation_visible, translation_params = visible_sql("t", viewer, scope)
        child_visible, child_params = visible_sql("c", viewer, scope)
        with self.store.reading() as tx:
            versions = tx.execute(f"{versions_sql} ORDER BY created, id", (project["slug"], True, False, True)).fetchall()
            # A translation links to the same version when it has it (active, built, public), else to its default.
            translations = tx.execute(
                "SELECT t.slug, t.language, COALESCE(tv.slug, t.default_version) AS version FROM projects t"
                " LEFT JOIN versions tv ON tv.project_slug = t.slug AND tv.slug = ? AND tv.active = ? AND tv.built = ?"
                " AND tv.privacy_level = 'public'"
                f" WHERE t.translation_of = ? AND {translation_visible} ORDER BY t.language, t.slug",
                (version_slug, True, True, project["slug"], *translation_params),
            ).fetchall()
            subprojects = tx.execute(
                "SELECT s.alias, c.slug, c.language, c.default_version AS version FROM subprojects s"
                f" JOIN projects c ON c.aggregate_id = s.child_id WHERE s.parent_id = ? AND {child_visible}"
                " ORDER BY s.alias",
                (project["aggregate_id"], *child_params),
            ).fetchall()
        return {"versions": versions, "translations": translations, "subprojects": subprojects}
