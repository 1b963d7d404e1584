"""What the queries of several read models share: the page a list answers, a LIKE pattern for
"contains", and a transaction read as a store reads."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    count: int
    results: list[dict]


def like_contains(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its own '%', '_' and '\\' taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def in_transaction(tx):
    """A transaction's `fetchall(sql, params)`, as a read store has one."""
    return lambda sql, params: tx.execute(sql, params).fetchall()


def as_bool(value):
    """A stored boolean (SQLite's 0/1), None staying None."""
    return None if value is None else bool(value)
