"""Log lines carry the ids of the request (or job) they were written for."""

import io
import logging

from commands.handling.request_context import request_context
from docsplane.logs import FORMAT, RequestIds


def _logger():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIds())
    handler.setFormatter(logging.Formatter(FORMAT))
    logger = logging.getLogger("test.log_request_ids")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def test_a_line_inside_a_request_names_its_request_and_correlation_ids():
    logger, stream = _logger()
    with request_context("r-1", "c-9"):
        logger.info("inside")
    logger.info("outside")
    inside, outside = stream.getvalue().splitlines()
    assert "[req=r-1 corr=c-9]: inside" in inside
    assert "[req=- corr=-]: outside" in outside
