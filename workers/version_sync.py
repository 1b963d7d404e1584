"""Reading a project's branches and tags from its repository (`git ls-remote --symref`, run as a build
step is, by run_step) and handing them to the version sync command.

    syncer = version_syncer(docsplane, actor="worker:...")   # workers.wiring
    syncer.sync("pip") -> SyncReport | None   # None: nothing synced, and the log says why
    syncer.sync_project(project_id)           # the same, for a sync job (which names the project's id)

A sync never raises: an unreachable repository, a deleted project or an event store away is logged
and the sync skipped (the next build or sync request tries again), so a job never loops. A repository
that cannot be read is also recorded (`VersionSyncFailed`, in the project's audit history)."""

from __future__ import annotations

import logging
import os
import re
import shlex
import tempfile
from urllib.parse import urlsplit
from pathlib import Path
from uuid import UUID

from commands.handling.loading import get_or_none, load_project
from commands.version_sync import SyncReport
from domain.errors import UnknownResource
from domain.rules.version_sync import RepositoryRefs
from workers.builds.step import mask, run_step
from workers.builds.git_env import GIT_ENV
from workers.sandbox.bubblewrap import SANDBOX_PATH, readable_repository

log = logging.getLogger("docsplane.version_sync")

LS_REMOTE_TIMEOUT = 60.0  # seconds (at most the build step limit): a sync holds the worker meanwhile
LS_REMOTE_OUTPUT_MAX = 32 * 1024 * 1024  # a line per ref: room for every tag of a large project
REF_LINE = re.compile(r"^([0-9a-f]{40}(?:[0-9a-f]{24})?)\t(refs/(heads|tags)/(\S+))$")
HEAD_LINE = re.compile(r"^ref: refs/heads/(\S+)\tHEAD$")
PEELED = "^{}"


class RepositoryUnreadable(Exception):
    """git could not list the repository's refs; the message is git's own (secrets masked)."""


def parse_ls_remote(output: str) -> RepositoryRefs:
    """Branches, tags (an annotated tag by the commit it points to, its `^{}` line) and HEAD's branch.
    Lines that are not refs (git's warnings share the output) are skipped."""
    branches: dict[str, str] = {}
    tags: dict[str, str] = {}
    peeled: dict[str, str] = {}
    head = None
    for line in output.splitlines():
        if found := HEAD_LINE.match(line):
            head = found.group(1)
        elif found := REF_LINE.match(line):
            commit, _, kind, name = found.groups()
            if kind == "heads":
                branches[name] = commit
            elif name.endswith(PEELED):
                peeled[name.removesuffix(PEELED)] = commit
            else:
                tags[name] = commit
    return RepositoryRefs(branches=branches, tags={name: peeled.get(name, commit) for name, commit in tags.items()}, head=head)


def read_refs(url: str, sandbox, data_dir: Path, timeout: float = LS_REMOTE_TIMEOUT) -> RepositoryRefs:
    """The repository's refs, read by `git ls-remote` in `sandbox` (the build's: the URL is a user's)."""
    password = urlsplit(url).password if "://" in url else None
    secrets = [password] if password else []
    try:
        readable = readable_repository(url, data_dir)
    except ValueError as refused:
        raise RepositoryUnreadable(str(refused)) from None
    path = SANDBOX_PATH if sandbox.enabled else os.environ.get("PATH", os.defpath)
    with tempfile.TemporaryDirectory(prefix="docsplane-sync-") as home:
        env = {"PATH": path, "HOME": str(sandbox.home(Path(home))), "LANG": "C.UTF-8", **GIT_ENV}
        result = run_step(f"git ls-remote --symref -- {shlex.quote(url)}", None, env, timeout,
                          LS_REMOTE_OUTPUT_MAX, secrets, sandbox=sandbox, readable=readable)
    if result.exit_code != 0:
        lines = [line for line in result.output.splitlines() if line.strip()]
        raise RepositoryUnreadable(mask(" ".join(lines[-3:]) or f"git ls-remote exited with code {result.exit_code}", secrets))
    return parse_ls_remote(result.output)


class VersionSyncer:
    def __init__(self, *, app, versions, sandbox, data_dir, step_timeout: float, actor: str, timeout: float | None = None):
        self.app = app
        self.versions = versions  # their commands
        self.sandbox = sandbox
        self.data_dir = data_dir
        self.actor = actor
        self.timeout = min(timeout or LS_REMOTE_TIMEOUT, step_timeout)

    def sync_project(self, project_id: str) -> SyncReport | None:
        try:
            project = get_or_none(self.app, UUID(project_id))
        except Exception:
            log.exception("version sync of project %s failed; the next build or sync request tries again", project_id)
            return None
        if project is None or project.deleted:
            log.info("version sync of project %s skipped: the project no longer exists", project_id)
            return None
        return self.sync(project.slug)

    def sync(self, project_slug: str) -> SyncReport | None:
        try:
            return self._sync(project_slug)
        except Exception:
            log.exception("version sync of %s failed; the next build or sync request tries again", project_slug)
            return None

    def _sync(self, project_slug: str) -> SyncReport | None:
        try:
            url = load_project(self.app, project_slug).repository["url"]
        except UnknownResource:
            log.info("version sync of %s skipped: the project no longer exists", project_slug)
            return None
        try:
            refs = read_refs(url, self.sandbox, self.data_dir, self.timeout)
        except RepositoryUnreadable as error:
            return self._failed(project_slug, f"could not read the repository's branches and tags: {error}")
        if not refs.branches and not refs.tags:
            return self._failed(project_slug, "the repository has no branch or tag")
        report = self.versions.sync_versions(self.actor, project_slug, refs).value
        log.info("version sync of %s: %s", project_slug, report)
        return report

    def _failed(self, project_slug: str, reason: str) -> None:
        log.warning("version sync of %s: %s", project_slug, reason)
        self.versions.record_sync_failure(self.actor, project_slug, reason)
