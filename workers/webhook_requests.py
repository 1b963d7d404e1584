"""What a webhook receives and how it is sent: the JSON payload of a build event, its HMAC-SHA256
signature, and one POST with a timeout whose outcome (status code, or an error) is returned,
never raised. Redirects are not followed: a 3xx is the receiver's answer, and a failure."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
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


_OPENER = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, request_headers: dict[str, str], timeout: float) -> AttemptResult:
    """POST once. `timeout` bounds connecting and each wait for the receiver; the answer's body is
    not read (nor recorded)."""
    started, clock = datetime.now(timezone.utc), time.monotonic()
    status, error = None, None
    try:
        with _OPENER.open(urllib.request.Request(url, data=body, headers=request_headers, method="POST"), timeout=timeout) as answer:
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
