"""Version slugs as Read the Docs makes them (readthedocs/builds/version_slug.py): the branch or tag
name, lower-case, with '/', '%', '!' and '?' made dashes and anything else outside a-z, 0-9, '.',
'_', '-' dropped; a slug already taken gets `_a`, `_b`, ... `_z`, `_ba` (letters, since names are
full of numbers)."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Container

OK_CHARS = "-._"
MAX_LENGTH = 255
ALPHABET = string.ascii_lowercase


def version_slug(name: str) -> str:
    """The slug of a branch or tag name, before uniqueness (`release/1.0` → `release-1.0`)."""
    text = re.sub(r"[/%!?]", "-", name)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    kept = "".join(c if c.isalnum() or c in OK_CHARS else " " if c.isspace() else "" for c in ascii_text).strip()
    slug = re.sub(r"[-\s]+", "-", kept).lower().lstrip(OK_CHARS)
    return slug[:MAX_LENGTH] or "unknown"


def unique_version_slug(name: str, taken: Container[str]) -> str:
    """`version_slug(name)`, with the first suffix that makes it not `taken`."""
    base = slug = version_slug(name)
    iteration = 0
    while slug in taken:
        suffix = f"_{_letters(iteration)}"
        slug = base[: MAX_LENGTH - len(suffix)] + suffix
        iteration += 1
    return slug


def _letters(number: int) -> str:
    """0 → a, 25 → z, 26 → ba, 52 → ca: the number in base 26 written with letters."""
    letters = ""
    while True:
        number, digit = divmod(number, len(ALPHABET))
        letters = ALPHABET[digit] + letters
        if number == 0:
            return letters
