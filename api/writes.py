"""How a write answers: only once its events are visible in the read models (read-your-writes),
or, if the projector is behind past the bound, 202 with a Location to poll."""

from flask import jsonify

from api.context import services
from docsplane.unavailable import UNAVAILABLE_ERRORS, unavailable_store


def visible(written) -> bool:
    docsplane = services()
    try:
        return docsplane.consistency.wait(written.recordings, docsplane.settings.write_wait_timeout)
    except UNAVAILABLE_ERRORS as error:
        if unavailable_store(error) is None:
            raise
        return False  # recorded, but the read models cannot be checked: 202, never "nothing was changed"


def accepted(location: str, **once):
    """`once`: what the write answers only now (a generated secret), or it would be lost."""
    response = jsonify({
        "message": "Accepted. The change is recorded but not yet visible; GET the Location shortly.",
        "location": location,
        **once,
    })
    response.status_code = 202
    response.headers["Location"] = location
    return response
