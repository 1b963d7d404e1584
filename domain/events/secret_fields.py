"""Which event fields hold secrets: decided field by field, and kept out of everything that shows
events (the audit history, and any other outbound view of an event).

tests/unit/aggregates/test_secret_fields.py fails when an event gains a field named like a secret that is
decided neither way here."""

from __future__ import annotations

import functools
import re

REDACTED = "[redacted]"

# A field named like this must be listed below, as a secret or as not one.
SECRET_LOOKING = re.compile(r"value|secret|token|hash|key|password|ciphertext|credential", re.IGNORECASE)

# Replaced by REDACTED wherever they appear, at any depth (e.g. inside WebhookUpdated.changes).
SECRETS = frozenset({
    "value",  # an environment variable's plain value: never in an event, listed in case one ever is
    "value_ciphertext",  # EnvironmentVariableCreated: decryptable with DOCSPLANE_SECRETS_KEY
    "secret",  # a webhook's plain secret: never in an event, listed in case one ever is
    "secret_ciphertext",  # WebhookCreated, WebhookUpdated.changes
    "token_hash",  # TokenIssued: the SHA-256 of an API token
    "body_ciphertext",  # IdempotentRequest.ResponseRecorded: an answer may hold a webhook's secret
    "password",
})
# Also redacted: any name matching this, for free-form nested dicts (a build's config).
SECRET_NAME = re.compile(r"secret|ciphertext|token_hash|password|credential", re.IGNORECASE)

# Named like a secret, but not one (why, for the reader).
NOT_SECRETS = {
    "key": "NotificationTargetClaimed.key: the webhook URL or email address it keeps unique, as the API shows them",
    "idempotency_key": "RequestClaimed.idempotency_key: the client's name for one request, not a credential",
    "content_hash": "VersionPublished.content_hash: a digest of the published files, shown like a commit hash",
}


NESTING = (dict, list, tuple)  # the values `without_secrets` looks inside


@functools.lru_cache(maxsize=4096)  # the same few field names, event after event (the audit redacts every event)
def is_secret(name: str) -> bool:
    return name in SECRETS or bool(SECRET_NAME.search(name))


def without_secrets(value):
    """`value` (an event's fields, or anything nested in them) with every secret replaced by REDACTED."""
    if isinstance(value, dict):
        return {k: REDACTED if is_secret(str(k)) else without_secrets(v) if isinstance(v, NESTING) else v
                for k, v in value.items()}
    if isinstance(value, NESTING):
        return [without_secrets(v) for v in value]
    return value
