"""The HTTP server: waitress, answering what it refuses itself in the API's JSON error format.

Waitress turns some requests away before the application sees them: a header line with a bare CR
or LF or a NUL (the stuff of header injection), headers over its size limit (431), a body over the
limit (413) — the limit is the application's `DOCSPLANE_MAX_BODY_BYTES`, so that a `Content-Length`
over it is refused at once instead of waited for, and a chunked body is not buffered past it. Its
own answers are text/plain; these are `{"message": ...}` like every other error."""

from __future__ import annotations

import json

import waitress
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask


class JsonErrorTask(ErrorTask):
    def execute(self):
        error = self.request.error
        # The application's words for a body over the limit; waitress's limit is one byte off it.
        message = "Request body too large." if error.code == 413 else f"{error.reason}: {error.body}"
        body = json.dumps({"message": message}).encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "application/json"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class JsonErrorChannel(HTTPChannel):
    error_task_class = JsonErrorTask


def create_server(app, *, host: str, port: int, threads: int, ident: str, max_body_bytes: int):
    """A waitress server (not yet running: `.run()`), one listener or several (a name with IPv4 and IPv6 addresses)."""
    server = waitress.create_server(app, host=host, port=port, threads=threads, ident=ident,
                                    max_request_body_size=max_body_bytes + 1)  # it refuses a body *of* its limit
    listeners = [server] if hasattr(server, "channel_class") else [
        listener for listener in server.map.values() if hasattr(listener, "channel_class")]
    for listener in listeners:
        listener.channel_class = JsonErrorChannel
    return server
