"""Request conventions checked before authentication (seed 003): a User-Agent is required, and
the Accept header selects the payload version.

Served: `application/json`, `application/vnd.docsplane.v3+json` (answered with that content
type), the unversioned `application/vnd.docsplane+json` (the current version), and a missing or
wildcard Accept (JSON). A request naming only docsplane versions this API does not serve is 406,
even with a wildcard beside them: the client asked for a payload shape it can read, and another
one would break it silently. `text/html` is left to the browsable pages.
"""

from __future__ import annotations

from flask import g, request
from werkzeug.datastructures import MIMEAccept

from api.errors import ApiError

JSON = "application/json"
HTML = "text/html"
VENDOR_PREFIX = "application/vnd.docsplane"
SERVED_VENDOR_TYPES = ("application/vnd.docsplane.v3+json", "application/vnd.docsplane+json")
OFFERS = (JSON, *SERVED_VENDOR_TYPES, HTML)
SUPPORTED = ", ".join((JSON, *SERVED_VENDOR_TYPES))
API_PREFIX = "/api/v3"


def require_user_agent() -> None:
    if request.path.startswith(API_PREFIX) and not request.headers.get("User-Agent", "").strip():
        raise ApiError(
            400,
            "Requests must include a User-Agent header naming your client and its version, "
            "e.g. 'User-Agent: MyClient/1.0.0'.",
        )


class NotAcceptable(Exception):
    pass


def media_type_for(accept: MIMEAccept) -> str:
    """The media type to answer with; NotAcceptable when none the client accepts is served."""
    if not accept:  # no Accept header (or an unparseable one): anything goes
        return JSON
    vendor = [value for value, quality in accept if quality > 0 and value.lower().startswith(VENDOR_PREFIX)]
    if vendor and not any(value.lower() in SERVED_VENDOR_TYPES for value in vendor):
        raise NotAcceptable(
            f"API version not supported: {', '.join(vendor)}. This API serves version 3: "
            f"Accept one of {SUPPORTED}."
        )
    best = accept.best_match(OFFERS)
    if best is None:
        raise NotAcceptable(f"None of the media types in Accept can be served; Accept one of {SUPPORTED}.")
    return best


def negotiate() -> None:
    """before_request: 406 for what cannot be served; remembers a vendor type to answer with."""
    if not request.path.startswith(API_PREFIX):
        return
    try:
        g.media_type = media_type_for(request.accept_mimetypes)
    except NotAcceptable as error:
        raise ApiError(406, str(error)) from None


def answer_in_negotiated_type(response):
    """A client that asked for a vendor type gets its JSON labelled with that type."""
    if g.get("media_type") in SERVED_VENDOR_TYPES and response.mimetype == JSON:
        response.mimetype = g.media_type
    return response
