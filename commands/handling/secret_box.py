"""Encryption of secrets the write side records (e.g. environment variable values): Fernet, i.e.
AES-128-CBC with an HMAC-SHA256, so a tampered or foreign ciphertext is refused, not misread."""

import hashlib
import hmac

from cryptography.fernet import Fernet


class SecretBox:
    def __init__(self, key: bytes):
        self._fernet = Fernet(key)
        # A key of its own for digests, derived from the same secret (never the encryption key itself).
        self._digest_key = hmac.new(key, b"docsplane digest", hashlib.sha256).digest()

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()

    def digest(self, data: bytes) -> str:
        """A keyed hash (HMAC-SHA256): compares data that may hold a secret without recording
        anything from which a guessable secret could be confirmed, as a bare SHA-256 would."""
        return hmac.new(self._digest_key, data, hashlib.sha256).hexdigest()
