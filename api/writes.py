"""How a write answers: only once its events are visible in the read models (read-your-writes),
or, if the projector is behind past the bound, 202 with a Location to poll."""

from collections.abc import Callable

from flask import jsonify

from api.context import services
from docsplane.unavailable import UNAVAILABLE_ERRORS, unavailable_store


def answer_write(written, location: str, answer: Callable[[], object] | None = None, status: int | None = None, **once):
    """The answer to a write: `answer()` once the write is visible (None: the route's own status, a
    204), with `status` and the Location when `status` is given (a 201); until then the 202.

    `once`: what the write answers only now (a generated secret), or it would be lost: in the 202,
    and added to the full answer."""
    if not visible(written):
        return accepted(location, **once)
    body = None if answer is None else answer()
    if once:
        body = {**body, **once}
    return body if status is None else (body, status, {"Location": location})


def visible(written) -> bool:
    docsplane = services()
    try:
        return docsplane.consistency.wait(written.recordings, docsplane.settings.write_wait_timeout)
    except UNAVAILABLE_ERRORS as error:
        if unavailable_store(error) is None:
            raise
        return False  # recorded, but the read models cannot be checked: 202, never "nothing was changed"


def accepted(location: str, **once):
    """202: recorded, not yet visible. `once`: as for `answer_write` (or another `message`)."""
    response = jsonify({
        "message": "Accepted. The change is recorded but not yet visible; GET the Location shortly.",
        "location": location,
        **once,
    })
    response.status_code = 202
    response.headers["Location"] = location
    return response
