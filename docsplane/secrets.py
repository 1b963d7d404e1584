"""The key that encrypts secrets in the event store: DOCSPLANE_SECRETS_KEY, or for the embedded
default a key generated once into the data directory, so `scripts/serve.sh` needs no setup.

Every process that reads or writes secrets (API, build workers) must use the same key: on several
hosts or containers set DOCSPLANE_SECRETS_KEY. Without the key the recorded values cannot be read."""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

from cryptography.fernet import Fernet

log = logging.getLogger("docsplane.secrets")

KEY_FILE = "secrets.key"


def secrets_key(configured: str | None, data_dir: Path) -> bytes:
    if configured:
        key = configured.strip().encode()
        _check(key, "DOCSPLANE_SECRETS_KEY")
        return key
    path = data_dir / KEY_FILE
    if not path.exists():
        _create(path)
    key = path.read_bytes().strip()
    _check(key, str(path))
    return key


def _create(path: Path) -> None:
    """Write the key to a private temporary file, then link it into place: of processes starting
    together exactly one link succeeds, and nobody ever reads a half-written key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{KEY_FILE}.{uuid.uuid4().hex}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(Fernet.generate_key() + b"\n")
            file.flush()
            os.fsync(file.fileno())
        os.link(temporary, path)
        log.warning("generated the secrets key %s; back it up: the recorded secrets cannot be read without it", path)
    except FileExistsError:
        pass  # another process made it first; use theirs
    finally:
        temporary.unlink(missing_ok=True)


def _check(key: bytes, source: str) -> None:
    try:
        Fernet(key)
    except ValueError:
        raise ValueError(f"{source}: not a Fernet key (32 url-safe base64-encoded bytes)") from None
