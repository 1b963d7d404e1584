"""What a finished build leaves for the artifact store: which formats its output holds, and which
ones its configuration promised (a promised format that is missing fails the build)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from artifacts.store import DOWNLOAD_FORMATS, HTML, download_path


def formats_present(output: Path, project_slug: str) -> list[str]:
    """html when `html/` is a real directory, and each format whose file is a regular file in a real
    directory (the store skips links, so they count as missing)."""
    present = [HTML] if _is(output / HTML, stat.S_ISDIR) else []
    return present + [f for f in DOWNLOAD_FORMATS if _is(output / f, stat.S_ISDIR)
                      and _is(output / download_path(f, project_slug), stat.S_ISREG)]


def formats_promised(config: dict) -> list[str]:
    """The formats the builder's own Sphinx steps make; with `build.commands` the project makes its own."""
    if config["build"]["commands"] or config["sphinx"] is None:
        return []
    return [HTML, *config["formats"]]


def _is(path: Path, kind) -> bool:
    try:
        return kind(os.lstat(path).st_mode)
    except OSError:
        return False
