"""Everything a docsplane container has stored, for tests that search it for what must never be there
(a raw API token, an environment variable's value):

- `read_model_rows(docsplane)`   every row of every table of the read store (read models, positions,
                                 loop status...), as text: (table, text)
- `event_store_rows(docsplane)`  every row of every table of the event store (stored events,
                                 snapshots, tracking), raw, as bytes: (table, bytes)
- `decoded_events(docsplane)`    every stored event and snapshot decoded through the application's
                                 own mapper (transcoder, and compressor or cipher if configured), as
                                 text: (what, text)
"""

from __future__ import annotations

import sqlite3

from eventsourcing.persistence import StoredEvent


def _text(value) -> str:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def _bytes(value) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    return str(value).encode("utf-8", errors="replace")


def read_model_rows(docsplane) -> list[tuple[str, str]]:
    store = docsplane.store
    if store.dialect == "sqlite":
        tables = [r["name"] for r in store.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")]
    else:
        tables = [r["table_name"] for r in store.fetchall(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")]
    assert "projects" in tables and "tokens" in tables, tables
    return [(table, " ".join(_text(v) for v in row.values()))
            for table in tables for row in store.fetchall(f'SELECT * FROM "{table}"')]


def event_store_rows(docsplane) -> list[tuple[str, bytes]]:
    settings = docsplane.settings.as_environ()
    if settings.get("PERSISTENCE_MODULE", "eventsourcing.sqlite") == "eventsourcing.postgres":
        import psycopg2

        conn = psycopg2.connect(host=settings["POSTGRES_HOST"], port=settings["POSTGRES_PORT"],
                                user=settings["POSTGRES_USER"], dbname=settings["POSTGRES_DBNAME"])
        try:
            with conn.cursor() as cursor:
                schema = settings["POSTGRES_SCHEMA"]
                cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,))
                tables = [row[0] for row in cursor.fetchall()]
                rows = []
                for table in tables:
                    cursor.execute(f'SELECT * FROM "{schema}"."{table}"')
                    rows += [(table, b" ".join(_bytes(v) for v in row)) for row in cursor.fetchall()]
        finally:
            conn.close()
    else:
        conn = sqlite3.connect(settings["SQLITE_DBNAME"])
        try:
            tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            rows = [(table, b" ".join(_bytes(v) for v in row))
                    for table in tables for row in conn.execute(f'SELECT * FROM "{table}"')]
        finally:
            conn.close()
    assert any("snapshot" in table for table in tables) and rows, tables
    return rows


def decoded_events(docsplane) -> list[tuple[str, str]]:
    app = docsplane.app
    decoded, originators = [], set()
    for notification in app.recorder.select_notifications(start=1, limit=1_000_000):
        event = app.mapper.to_domain_event(notification)
        originators.add(event.originator_id)
        decoded.append((f"event {notification.id} {notification.topic}", repr(vars(event))))
    for originator_id in originators:
        for stored in app.snapshots.recorder.select_events(originator_id):
            snapshot = app.mapper.to_domain_event(StoredEvent(stored.originator_id, stored.originator_version,
                                                              stored.topic, stored.state))
            decoded.append((f"snapshot {originator_id} v{stored.originator_version}", repr(vars(snapshot))))
    return decoded
