"""`docsplane audit`: the audit history, newest first, as an aligned table or
as JSON lines (the REST item of GET /projects/{slug}/events/ without `_links`), for piping."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from datetime import datetime, timezone

from domain.events.catalog import event_names

TABLE_COLUMNS = ("TIME (UTC)", "ACTOR", "TYPE", "PROJECT", "AGGREGATE", "REQUEST ID")


def add_parser(commands) -> None:
    p = commands.add_parser("audit", help="print the audit history: who did what, when, in which request",
                            description="Print the audit history, newest first. Secrets are never shown.")
    p.add_argument("--project", metavar="SLUG", help="only events of the project(s) that had this slug (deleted ones too)")
    p.add_argument("--actor", metavar="NAME", help="only events of this actor (a username, worker:..., reaper, webhooks)")
    p.add_argument("--type", dest="types", metavar="EventType", nargs="+", action="extend", type=event_type,
                   help="only events of these types, e.g. ProjectImported BuildTriggered (repeatable)")
    p.add_argument("--correlation", metavar="ID", help="only events of this correlation id (a request and its builds)")
    p.add_argument("--since", metavar="ISO", type=moment, help="at or after this time (ISO-8601; UTC without an offset)")
    p.add_argument("--until", metavar="ISO", type=moment, help="at or before this time (ISO-8601; UTC without an offset)")
    p.add_argument("--limit", metavar="N", type=positive, default=100, help="at most N events, the newest (default 100)")
    p.add_argument("--format", choices=("table", "jsonl"), default="table", help="a readable table (default) or JSON lines")
    p.set_defaults(run=run)


def event_type(value: str) -> str:
    known = event_names()
    if value not in known:
        close = difflib.get_close_matches(value, known, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else f"; known types include {', '.join(sorted(known)[:5])}, ..."
        raise argparse.ArgumentTypeError(f"unknown event type '{value}'{hint}")
    return value


def moment(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not an ISO-8601 time (e.g. 2025-01-31 or 2025-01-31T12:00:00+01:00)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a positive whole number")
    return int(value)


def run(args) -> int:
    from api.schemas.audit import AuditEventSchema
    from docsplane.bootstrap import build
    from projections.audit.projection import AuditProjection
    from projections.audit.queries import AuditFilter

    if args.since and args.until and args.since > args.until:
        print("error: --since is later than --until", file=sys.stderr)
        return 2
    docsplane = build()
    try:
        for projector in docsplane.projectors:
            if projector.name == AuditProjection.name:
                projector.catch_up()  # the history up to the log's head, even without a projector running
        selected = AuditFilter(project_slug=args.project, actor=args.actor, types=tuple(args.types or ()),
                               since=args.since, until=args.until, correlation_id=args.correlation)
        items = AuditEventSchema(many=True).dump(docsplane.audit_queries.list(selected, args.limit).results)
    finally:
        docsplane.close()
    if args.format == "jsonl":
        for item in items:
            print(json.dumps(item, sort_keys=True))
    else:
        print_table(items)
    return 0


def print_table(items: list[dict]) -> None:
    rows = [TABLE_COLUMNS] + [
        (item["created"][:19].replace("T", " "), item["actor"] or "-", item["type"], item["project"] or "-",
         f"{item['aggregate']['type']} {item['aggregate']['id'][:8]}", item["request_id"] or "-")
        for item in items
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_COLUMNS))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
