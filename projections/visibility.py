"""Who sees a private project: its maintainers, through a token valid for it. Anybody else (no token,
another user, or the maintainer's token limited to other projects) sees nothing of it: not the
project, not its place in another project's lists, not its slug in another's `subproject_of` or
`translation_of`.

`viewer` is the caller's username (None: anonymous); `scope` the projects the caller's token is
limited to (None: no limit)."""

from __future__ import annotations


def sees_private(project: dict, viewer: str | None, scope: list[str] | None = None) -> bool:
    """Whether the viewer may see this project's private things (the project itself, if private)."""
    return viewer is not None and viewer in project["users"] and (scope is None or project["slug"] in scope)


def visible_sql(alias: str, viewer: str | None, scope: list[str] | None = None) -> tuple[str, list]:
    """A condition on the project row `alias`: public, or seen by the viewer; and its parameters."""
    sql = f"EXISTS (SELECT 1 FROM project_maintainers vm WHERE vm.project_id = {alias}.aggregate_id AND vm.username = ?)"
    params: list = [viewer]
    if scope is not None:
        sql += f" AND {alias}.slug IN ({', '.join('?' * len(scope)) or 'NULL'})"
        params.extend(scope)
    return f"({alias}.privacy_level = 'public' OR ({sql}))", params


LINKS = ("subproject_of", "translation_of")  # the slugs a project names of other projects


def hide_invisible_links(fetchall, projects: list[dict], viewer: str | None, scope: list[str] | None = None) -> list[dict]:
    """Sets to None each `subproject_of`/`translation_of` naming a project the viewer may not see,
    with one query for the whole list (`fetchall(sql, params)`: a read store's, or a transaction's);
    a slug that names no live project is left as it is."""
    linked = sorted({p[link] for p in projects for link in LINKS if p.get(link)})
    if not linked:
        return projects
    condition, params = visible_sql("p", viewer, scope)
    hidden = {
        row["slug"] for row in fetchall(
            f"SELECT p.slug FROM projects p WHERE p.slug IN ({', '.join('?' * len(linked))}) AND NOT {condition}",
            [*linked, *params],
        )
    }
    for project in projects:
        for link in LINKS:
            if project.get(link) in hidden:
                project[link] = None
    return projects
