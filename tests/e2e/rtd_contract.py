"""Comparing an answer with a Read the Docs fixture (tests/contract/rtd_responses/) by field name and JSON
type, recursively, as Read the Docs' own tests compare whole documents.

- An object has the fixture's fields, no fewer and no more.
- A list's items each match the fixture's first item (an empty list in the fixture says nothing of items).
- A fixture's null matches any value: it shows the field may be null, not its type.
- ALLOWED lists the differences the seeds mandate, each with its reason: a path (dotted; `[]` for a list's
  items, `*` for any key) whose difference is allowed."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "contract" / "rtd_responses"

# path pattern -> why docsplane differs there (the seed that says so)
ALLOWED = {
    "*active_versions": "seed 002: a project shows `active_versions` without expand, as an object keyed by version "
                        "slug (Read the Docs: a list, only with expand=active_versions); its entries are compared "
                        "with the fixture's items where the fixture has the list",
    **{path: "seed 001: a build's `error` is null when there is none (Read the Docs: \"\")"
       for path in ("error", "results[].error", "build.error")},
    **{path: "seed 002: a version's details show its `last_build` (Read the Docs: only with expand=last_build)"
       for path in ("last_build", "version.last_build")},
    "*child.subproject_of": "seed 002: a subproject's `child` is a whole PROJECT (Read the Docs leaves out subproject_of)",
    "*_links.notifications": "seed 002: notifications are the project's webhooks and email hooks "
                             "(/projects/{slug}/notifications/), not Read the Docs' build notification messages",
    "*_links.commands": "seed 001: a build links its commands (/builds/{id}/commands/)",
    "*_links.maintainers": "seed 000: a project's users (maintainers) are a resource of it ('Add User as maintainer')",
}
# Fixtures not compared: what they answer is not part of docsplane's API, by the seeds.
NOT_COMPARED = {
    "notifications-list.json": "Read the Docs' notification messages: seed 002's notifications are webhooks and email hooks",
    "projects-notifications-list.json": "the same",
    "projects-notifications-detail.json": "the same",
    "projects-builds-notifications-list.json": "the same",
    "projects-builds-notifications-detail.json": "the same",
    "users-notifications-list.json": "the same",
    "users-notifications-detail.json": "the same",
    "organizations-notifications-list.json": "the same; organizations are not in the seeds either",
    "organizations-notifications-detail.json": "the same",
    "remoteorganizations-list.json": "remote organizations (OAuth-connected accounts) are not in the seeds",
    "remoterepositories-list.json": "remote repositories (OAuth-connected accounts) are not in the seeds",
}


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def _type(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object", type(None): "null"}[type(value)]


def _allowed(path: str) -> bool:
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in ALLOWED)


def differences(ours, theirs, path: str = "") -> list[str]:
    """Where `ours` differs from the fixture `theirs` and the seeds do not say it should."""
    if path.endswith("active_versions") and isinstance(ours, dict) and isinstance(theirs, list):
        # seed 002 keys them by slug: each entry is compared with the fixture's first item
        return [problem for item in ours.values() for problem in differences(item, theirs[0], f"{path}[]")] if theirs else []
    if theirs is None or _allowed(path):
        return []
    if path.endswith("downloads") and isinstance(ours, dict) and isinstance(theirs, dict):
        # keyed by the formats a version published (Read the Docs: `{}` before any): data, not field names
        return [f"{path}.{k}: not a format Read the Docs lists" for k in ours if k not in theirs] + [
            problem for k in ours.keys() & theirs.keys() for problem in differences(ours[k], theirs[k], f"{path}.{k}")]
    if _type(ours) != _type(theirs):
        return [f"{path or '<top>'}: {_type(ours)} where Read the Docs answers {_type(theirs)}"]
    if isinstance(theirs, dict):
        found = [f"{path}.{k}".lstrip(".") + ": missing" for k in theirs if k not in ours and not _allowed(f"{path}.{k}".lstrip("."))]
        found += [f"{path}.{k}".lstrip(".") + ": not in Read the Docs' answer" for k in ours
                  if k not in theirs and not _allowed(f"{path}.{k}".lstrip("."))]
        for key in theirs.keys() & ours.keys():
            found += differences(ours[key], theirs[key], f"{path}.{key}".lstrip("."))
        return found
    if isinstance(theirs, list) and theirs:
        if not ours:
            return [f"{path}: empty where Read the Docs shows items (recreate the fixture's data)"]
        return [problem for item in ours for problem in differences(item, theirs[0], f"{path}[]")]
    return []
