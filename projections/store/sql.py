"""Our SQL as each database takes it: written once with `?` placeholders, sent to PostgreSQL with
`%s`, and with some tables renamed (a replay's shadow tables). Rows come back as dicts."""

from __future__ import annotations

import functools
import re

# Where our SQL names a table. Only there is a name rewritten: a column may share a table's name
# (projects.users vs the table users), but a column never follows one of these keywords.
TABLE_REFERENCE = re.compile(r"\b(FROM|INTO|UPDATE|JOIN|TABLE(?:\s+IF(?:\s+NOT)?\s+EXISTS)?|ON)(\s+)(\w+)", re.IGNORECASE)


@functools.cache
def translate(sql: str, dialect: str, renames: tuple[tuple[str, str], ...], foreign: frozenset[str]) -> str:
    """`sql` with the tables of `renames` renamed and, for PostgreSQL, `%s` placeholders. Naming a
    table of `foreign` raises: it belongs to another projection."""
    if renames or foreign:
        names = dict(renames)

        def rename(match) -> str:
            keyword, space, table = match.groups()
            if table in foreign:
                raise ValueError(f"{table!r} belongs to another projection: {sql}")
            return f"{keyword}{space}{names.get(table, table)}"

        sql = TABLE_REFERENCE.sub(rename, sql)
    return sql.replace("?", "%s") if dialect == "postgres" else sql


def numbered(sql: str) -> str:
    """`?` placeholders as PREPARE wants them: $1, $2, ... (our SQL has no `?` inside literals)."""
    numbers = iter(range(1, sql.count("?") + 1))
    return re.sub(r"\?", lambda _: f"${next(numbers)}", sql)


def as_dicts(cursor, rows) -> list[dict]:
    """Rows as dicts: psycopg2's plain tuples zipped with the column names (cheaper than its
    RealDictCursor, which builds each row item by item), sqlite3.Row by its own mapping."""
    if rows and isinstance(rows[0], tuple):
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in rows]
    return [dict(row) for row in rows]
