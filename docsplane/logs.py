"""Log lines name the request (or worker job) they belong to, so an operator can go from a log line to
the audit history (`docsplane audit --correlation-id ...`) and back."""

from __future__ import annotations

import logging

from commands.handling.request_context import current

FORMAT = "%(asctime)s %(levelname)s %(name)s [req=%(request_id)s corr=%(correlation_id)s]: %(message)s"


class RequestIds(logging.Filter):
    """Adds the current request's ids to every record ("-" outside any request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current()
        record.request_id = context.request_id if context else "-"
        record.correlation_id = context.correlation_id if context else "-"
        return True


def configure(level: int = logging.INFO) -> None:
    """The processes' logging: one stderr handler; the filter sits on the handler so that records of
    every logger (ours and the libraries') carry the ids."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIds())
    handler.setFormatter(logging.Formatter(FORMAT))
    logging.basicConfig(level=level, handlers=[handler])
