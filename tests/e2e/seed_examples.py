"""The example requests and responses of the RTD APIv3 seed documents, read from the seeds themselves.

Each `Example` is one `$ curl ...` of seed 002: its method, path, body (`body.json`), and the
example response (a JSON object) or the name of the section it refers to ("See Project details")."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


@dataclass
class Example:
    section: str
    method: str
    path: str
    query: str
    body: str | None
    response: dict | None
    response_ref: str | None


def seed_text(prefix: str) -> str:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if len(found) != 1:
        raise FileNotFoundError(
            f"the seed document {prefix}_*.txt was not found (once) in {SEEDS}: the seed-contract tests read the"
            " RTD APIv3 seeds from ../shared/seeds/ beside this checkout, as CI places them")
    return found[0].read_text()


def lenient_json(text: str):
    """The seeds' JSON has trailing commas; the examples are otherwise plain JSON."""
    return json.loads(re.sub(r",(\s*[}\]])", r"\1", text))


def _json_block(lines: list[str], start: int) -> tuple[str, int]:
    """The JSON object starting at lines[start] (a line beginning with '{'), and the next index."""
    depth, block, i = 0, [], start
    while i < len(lines):
        block.append(lines[i])
        depth += lines[i].count("{") - lines[i].count("}")
        i += 1
        if depth == 0:
            break
    return "\n".join(block), i


def _next_content(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def examples(prefix: str = "002") -> list[Example]:
    lines = seed_text(prefix).splitlines()
    found: list[Example] = []
    section = ""
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line and i + 2 < len(lines) and not lines[i + 1].strip() and re.match(r"^(GET|POST|PATCH|PUT|DELETE) /", lines[i + 2]):
            section = line
        if not line.startswith("$ curl"):
            i += 1
            continue
        command = line
        while command.endswith("\\"):
            i += 1
            command = command[:-1] + " " + lines[i].strip()
        i += 1
        method = re.search(r"-X (\w+)", command)
        url = urlsplit(re.search(r"(https://\S+)", command).group(1))
        body = response = ref = None
        j = _next_content(lines, i)
        if j < len(lines) and lines[j].startswith("The content of body.json"):
            j = _next_content(lines, j + 1)
            body, j = _json_block(lines, j)
        j = _next_content(lines, j)
        if j < len(lines) and lines[j].rstrip(":").strip() in ("Example response", "Example response:"):
            j = _next_content(lines, j + 1)
            if lines[j].startswith("{"):
                text, j = _json_block(lines, j)
                response = lenient_json(text)
            elif lines[j].startswith("See "):
                ref = lines[j][4:].strip()
        found.append(Example(section, method.group(1) if method else "GET", url.path, url.query, body, response, ref))
        i = max(i, j)
    return found
