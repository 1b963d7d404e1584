"""What earlier releases recorded of a Project, brought to the current shape (upcasting steps, applied
by the library to older stored events and snapshots before the aggregate sees them)."""

from __future__ import annotations

from domain.rules.project_settings import MULTIPLE_WITH_TRANSLATIONS, RENAMED_SCHEMES, SINGLE_VERSION


def scheme_of(state: dict) -> str:
    return SINGLE_VERSION if state.get("single_version") else MULTIPLE_WITH_TRANSLATIONS


def imported_v1_v2(state: dict) -> None:
    """Release 1 had no versioning scheme: it followed `single_version`."""
    state["versioning_scheme"] = scheme_of(state)


def project_v1_v2(state: dict) -> None:
    """Release 1 snapshots: no scheme, no deletion flag, no links to other projects."""
    state.setdefault("versioning_scheme", scheme_of(state))
    state.setdefault("deleted", False)
    state.setdefault("superproject", None)
    state.setdefault("subprojects", {})
    state.setdefault("translation_of", None)
    state.setdefault("translations", {})


def spell_scheme_as_rtd(state: dict) -> None:
    """Releases 1-2 spelled the multiple-version schemes `multiple_versioning_*`; Read the Docs `multiple_versions_*`."""
    if "versioning_scheme" in state:
        state["versioning_scheme"] = RENAMED_SCHEMES.get(state["versioning_scheme"], state["versioning_scheme"])


def imported_v2_v3(state: dict) -> None:
    """Release 2: the old scheme spelling; no configuration file path or pull-request builds' privacy."""
    spell_scheme_as_rtd(state)
    state.setdefault("readthedocs_yaml_path", None)
    state.setdefault("external_builds_privacy_level", "public")


def updated_v1_v2(state: dict) -> None:
    spell_scheme_as_rtd(state["changes"])


def project_v2_v3(state: dict) -> None:
    imported_v2_v3(state)
    state.setdefault("default_branch_detected", False)  # release 2 had no version sync
