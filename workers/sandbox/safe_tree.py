"""A build's output, read without ever leaving it: a build controls its output directory, so a
symbolic link there may point at the server's secrets (`_static/key.txt -> /data/secrets.key`).

    for relative, real in safe_tree_files(output, dropped):
        publish(relative, real)            # open `real` with O_NOFOLLOW; dropped lists what was left out

Only regular files are yielded: a symbolic link whose target is a regular file inside the tree is
yielded as that file; links out of the tree, links to directories, and special files (fifos,
sockets, devices) are dropped. Call it once the build's processes are gone (they are when its steps
have ended: the sandbox's PID namespace dies with each step), so nothing changes the tree meanwhile."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path, PurePosixPath


def safe_tree_files(root: Path, dropped: list[str] | None = None) -> Iterator[tuple[PurePosixPath, Path]]:
    """(path relative to `root`, the real file to read) for every file the tree may publish, sorted;
    the relative paths of what was dropped are appended to `dropped`."""
    top = Path(os.path.realpath(root))
    for directory, directories, files in os.walk(top):  # never descends through a link
        directories.sort()
        for name in sorted(files + [d for d in directories if os.path.islink(os.path.join(directory, d))]):
            path = Path(directory, name)
            relative = PurePosixPath(path.relative_to(top).as_posix())
            real = _contained_file(path, top)
            if real is None:
                if dropped is not None:
                    dropped.append(str(relative))
                continue
            yield relative, real


def _contained_file(path: Path, top: Path) -> Path | None:
    """`path` itself if a regular file, its target if a link to a regular file inside `top`, else None."""
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISREG(mode):
            return path
        if not stat.S_ISLNK(mode):
            return None
        real = Path(os.path.realpath(path))
        if top not in real.parents or not stat.S_ISREG(os.lstat(real).st_mode):
            return None
        return real
    except OSError:
        return None
