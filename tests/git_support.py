"""Tiny git repositories made by a test, for builds to clone (real git, no network).

    repo = git_repository(tmp_path / "repo", {".docsplane.yaml": "build:\n  commands: [echo hi]\n"})
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_IDENTITY = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
                "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com"}


def git(repo: Path, *args: str) -> str:
    env = {"PATH": os.environ["PATH"], "HOME": str(repo), **GIT_IDENTITY}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout.strip()


def commit(repo: Path, files: dict[str, str], message: str = "docs") -> str:
    """Write `files` (path → text) and commit them; returns the commit's hash."""
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def git_repository(path: Path, files: dict[str, str]) -> Path:
    """A new repository at `path` whose branch `main` has one commit of `files`."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    commit(path, files)
    return path


def build_config(*commands: str) -> dict[str, str]:
    """The files of a repository whose build runs just these shell commands."""
    return {".docsplane.yaml": "build:\n  commands:\n" + "".join(f"    - {c!r}\n" for c in commands)}


def readthedocs_yaml(*formats: str) -> str:
    """A `.readthedocs.yaml` as Read the Docs users write it: Sphinx on docs/conf.py, with `formats`."""
    return ('version: 2\nbuild:\n  os: ubuntu-24.04\n  tools:\n    python: "3.12"\nsphinx:\n  configuration: docs/conf.py\n'
            + ("formats:\n" + "".join(f"  - {f}\n" for f in formats) if formats else ""))
