"""Encryption of secrets the write side records (e.g. environment variable values): Fernet, i.e.
AES-128-CBC with an HMAC-SHA256, so a tampered or foreign ciphertext is refused, not misread."""

from cryptography.fernet import Fernet


class SecretBox:
    def __init__(self, key: bytes):
        self._fernet = Fernet(key)

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()
