"""How a write answers: only once its events are visible in the read models (read-your-writes),
or, if the projector is behind past the bound, 202 with a Location to poll."""

from flask import jsonify

from api.context import services


def visible(written) -> bool:
    docsplane = services()
    return docsplane.consistency.wait(written.recordings, docsplane.settings.write_wait_timeout)


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
