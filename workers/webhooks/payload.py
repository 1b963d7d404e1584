"""What a webhook receives and how it is sent: the JSON payload of a build event, its HMAC-SHA256
signature, and one POST with a timeout whose outcome (status code, or an error) is returned,
never raised. Redirects are not followed: a 3xx is the receiver's answer, and a failure."""

from __future__ import annotations

import functools
import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone

from commands.webhook_deliveries import AttemptResult

USER_AGENT = "docsplane-webhooks/1"
SIGNATURE_HEADER = "X-Docsplane-Signature"


def payload(build, event_name: str, public_url: str) -> bytes:
    """The body for a build event, from the build as that event left it (so every attempt of a
    delivery sends the same bytes). URLs are the API's, on DOCSPLANE_PUBLIC_URL."""
    project = f"{public_url}/api/v3/projects/{build.project_slug}"
    return json.dumps({
        "event": event_name,
        "timestamp": build.modified_on.isoformat(),  # when the event happened
        "project": {"slug": build.project_slug, "url": f"{project}/"},
        "version": {"slug": build.version_slug, "url": f"{project}/versions/{build.version_slug}/"},
        "build": {
            "id": build.number, "state": build.state, "success": build.success, "error": build.error,
            "commit": build.commit, "url": f"{project}/builds/{build.number}/",
        },
    }, sort_keys=True, separators=(",", ":")).encode()


def signature(secret: str, body: bytes) -> str:
    """`sha256=<hex>`: HMAC-SHA256 of the raw body with the webhook's secret. A receiver recomputes
    it and compares with hmac.compare_digest."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def headers(secret: str, body: bytes, event_name: str, delivery_id: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Docsplane-Event": event_name,
        "X-Docsplane-Delivery": delivery_id,
        SIGNATURE_HEADER: signature(secret, body),
    }


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # urllib then raises HTTPError with the 3xx


class NotPublic(OSError):
    """The receiver's address is loopback, private, link-local or otherwise not on the internet."""


def public_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):
    """socket.create_connection, to public addresses only: the host is resolved once, every address
    checked, and the connection made to a checked address (so a second, different DNS answer cannot
    slip an internal address in between the check and the connection)."""
    host, port = address
    checked = []
    for family, type_, proto, _, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        ip = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if not ip.is_global:
            raise NotPublic(f"{host} resolves to {ip}, which is not a public address "
                            "(DOCSPLANE_WEBHOOK_ALLOW_PRIVATE=true allows it)")
        checked.append(sockaddr[0])
    return socket.create_connection((checked[0], port), timeout, source_address)


class _PublicOnly:
    """http.client connects through `_create_connection` (socket.create_connection): ours checks first."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = public_connection


class _PublicHTTPConnection(_PublicOnly, http.client.HTTPConnection):
    pass


class _PublicHTTPSConnection(_PublicOnly, http.client.HTTPSConnection):  # TLS still checks the certificate against the host name
    pass


class _PublicHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_PublicHTTPConnection, req)


class _PublicHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_PublicHTTPSConnection, req, context=self._context)


@functools.cache
def _opener(allow_private: bool):
    handlers = (_NoRedirects,) if allow_private else (_NoRedirects, _PublicHTTPHandler, _PublicHTTPSHandler)
    return urllib.request.build_opener(*handlers)


def post(url: str, body: bytes, request_headers: dict[str, str], timeout: float,
         allow_private: bool = False) -> AttemptResult:
    """POST once. `timeout` bounds connecting and each wait for the receiver; the answer's body is
    not read (nor recorded). Only to public addresses, unless `allow_private`."""
    started, clock = datetime.now(timezone.utc), time.monotonic()
    status, error = None, None
    try:
        with _opener(allow_private).open(urllib.request.Request(url, data=body, headers=request_headers, method="POST"), timeout=timeout) as answer:
            status = answer.status
    except urllib.error.HTTPError as answer:
        status, error = answer.code, f"HTTP {answer.code} {answer.reason}".strip()
        answer.close()
    except urllib.error.URLError as failure:
        error = _describe(failure.reason, timeout)
    except (OSError, http.client.HTTPException, ValueError) as failure:
        error = _describe(failure, timeout)
    return AttemptResult(started=started, duration=time.monotonic() - clock, status_code=status, error=error)


def _describe(reason, timeout: float) -> str:
    if isinstance(reason, TimeoutError):
        return f"no answer within {timeout:g} s"
    return f"{type(reason).__name__}: {reason}" if isinstance(reason, BaseException) else str(reason)
