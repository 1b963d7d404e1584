"""Runs one build for real, in a fresh temporary directory: clone the project's repository at the
version's identifier, read its configuration, install, build. Every state, the configuration and
every command go through the build commands, so the API shows the build as it runs. Every command
(the clone and git's answers included) runs in the sandbox, which sees only the
build's home: `home/` of the temporary directory, at /home/docs.

A failed build is not an exception: it is a finished, unsuccessful build with a clear `error`.
Only infrastructure failures (the event store unreachable) escape `run`, for the worker to retry."""

from __future__ import annotations

import glob
import logging
import os
import shlex
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from commands.handling.loading import load_build, load_project, load_version
from domain.build import STATES
from domain.errors import FieldError, UnknownResource
from workers.builds import leftovers as build_leftovers
from workers.builds.failures import BuildClosed, BuildFailed, check_disk, command_quote, failure, total_limit
from workers.builds.config import ConfigError, Step, plan_steps, read_config
from workers.builds.publish import formats_promised, formats_present
from workers.builds.step import StepResult, mask, run_step
from workers.sandbox.bubblewrap import SANDBOX_PATH, readable_repository
from workers.builds.git_env import GIT_ENV
from workers.version_sync import VersionSyncer

log = logging.getLogger(__name__)

ACTOR = "worker"  # the actor of the events a build writes, unless the runner is given one
CANCELLED = "cancelled"
PHASES = ("cloning", "installing", "building")


# The first of "$@" that names a commit.
FIRST_COMMIT = 'for ref; do git rev-parse --verify --quiet "$ref^{commit}" >/dev/null && echo "$ref" && exit 0; done; exit 1'


class BuildRunner:
    def __init__(self, *, app, builds, versions, environment_variables, artifacts, syncer: VersionSyncer, sandbox,
                 settings, actor: str = ACTOR):
        self.app = app
        self.builds, self.versions = builds, versions  # their commands
        self.environment_variables = environment_variables
        self.artifacts = artifacts
        self.syncer = syncer
        self.sandbox = sandbox
        self.settings = settings  # the builds' limits
        self.actor = actor  # a build worker passes its name: its lease's holder
        self.builder = socket.gethostname()

    def run(self, build_number: int, cancelled: threading.Event | None = None) -> bool:
        """Run the build; True when it succeeded. A build finished already (a redelivered job) is
        not run again: its outcome is returned."""
        try:
            build = load_build(self.app, build_number)
        except UnknownResource:
            log.warning("build %s does not exist; nothing to run", build_number)
            return False
        if build.is_finished:
            return bool(build.success)
        return _BuildRun(self, build, cancelled or threading.Event()).execute()


class _BuildRun:
    """One attempt at one build."""

    def __init__(self, runner: BuildRunner, build, cancelled: threading.Event):
        self.commands = runner.builds
        self.app = runner.app
        self.environment_variables = runner.environment_variables
        self.artifacts, self.versions = runner.artifacts, runner.versions
        self.settings = runner.settings
        self.sandbox = runner.sandbox
        self.builder = runner.builder
        self.syncer = runner.syncer
        self.actor = runner.actor
        self.number = build.number
        self.project_slug = build.project_slug
        self.version_slug = build.version_slug
        self.state = build.state
        self.cancelled = cancelled
        self.deadline = time.monotonic() + self.settings.build_timeout
        self.secrets: list[str] = []
        self.env: dict[str, str] = {}
        self.home = self.checkout = self.inside = None  # host paths; `inside`: the home as commands see it
        self.readable: list[str] = []  # a local repository, readable by the clone only
        self.warning = self.sandbox.warning  # once, at the top of the first command's output

    def execute(self) -> bool:
        log.info("build %s of %s/%s: started", self.number, self.project_slug, self.version_slug)
        for home in build_leftovers.sweep(tempfile.gettempdir()):
            log.warning("removed %s, left by a build worker that was killed", home)
        try:
            prefix = f"{build_leftovers.PREFIX}{self.number}-"
            with tempfile.TemporaryDirectory(prefix=prefix, ignore_cleanup_errors=True) as tmp:
                build_leftovers.claim(Path(tmp))
                self._build(Path(tmp) / "home")
        except BuildClosed:
            log.info("build %s was finished elsewhere; stopped", self.number)
            return False
        except BuildFailed as failure:
            return self._finish(False, str(failure))  # a cancel through the API: the domain names who
        except OSError as error:  # the builder itself: a full disk, a missing git
            log.exception("build %s: the builder failed", self.number)
            return self._finish(False, mask(f"the builder failed: {error}", self.secrets))
        return self._finish(True)

    def _build(self, home: Path) -> None:
        self.syncer.sync(self.project_slug)  # first, so that the version's identifier is the repository's now
        version, repository_url = self._load()
        self._prepare(home, version)
        self._move("cloning")
        self._clone(repository_url, version.identifier)
        commit = self._git("rev-parse", "HEAD")
        try:
            config = read_config(self.checkout)
        except ConfigError as error:
            raise BuildFailed(f"invalid build configuration: {error}") from None
        self._write(self.commands.configure_build, self.actor, self.number, _masked(config, self.secrets))
        steps = plan_steps(config)
        for phase in PHASES:
            self._move(phase, commit=commit if phase == "installing" else None)
            for step in steps:
                if step.phase == phase:
                    self._step(step, error=step.error)
        self._publish(home / "output", config)

    def _load(self):
        try:
            project = load_project(self.app, self.project_slug)
            version = load_version(self.app, project, self.version_slug)
        except UnknownResource as missing:
            raise BuildFailed(f"the {missing} no longer exists") from None
        url = project.repository["url"]
        password = urlsplit(url).password if "://" in url else None
        values = self.environment_variables.values_for_build(self.project_slug, external=version.type == "external")
        self.secrets = [*values.values(), *([password] if password else [])]
        self.env = values
        return version, url

    def _prepare(self, home: Path, version) -> None:
        """The build's directories and its minimal environment; `python` is the builder's own
        interpreter (which has Sphinx and MkDocs) until a build environment is created."""
        self.home, self.checkout, self.inside = home, home / "checkout", self.sandbox.home(home)
        for directory in (home, self.checkout, home / "output", home / "bin"):
            directory.mkdir()
        for name in ("python", "python3"):
            shim = home / "bin" / name
            shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} "$@"\n')
            shim.chmod(0o755)
        self.sandbox.hand_over(home)
        output = str(self.inside / "output")
        system_path = SANDBOX_PATH if self.sandbox.enabled else os.environ.get("PATH", os.defpath)
        self.env = {
            **self.env,  # the project's variables; the builder's own below win
            "PATH": os.pathsep.join([str(self.inside / "bin"), system_path]),
            "HOME": str(self.inside),
            "LANG": "C.UTF-8",
            **GIT_ENV,
            "DOCSPLANE_PROJECT": self.project_slug,
            "DOCSPLANE_VERSION": version.slug,
            "DOCSPLANE_OUTPUT": output,
            # Read the Docs' names, so `.readthedocs.yaml` build commands work unchanged.
            "READTHEDOCS_PROJECT": self.project_slug,
            "READTHEDOCS_VERSION": version.slug,
            "READTHEDOCS_OUTPUT": output,
        }

    def _clone(self, url: str, identifier: str) -> None:
        try:
            self.readable = readable_repository(url, self.settings.data_dir)
        except ValueError as refusal:
            raise BuildFailed(str(refusal)) from None
        try:
            self._step(Step("cloning", f"git clone --no-checkout -- {shlex.quote(url)} ."),
                       error="could not clone the repository")
        finally:
            self.readable = []
        ref = self._resolve(identifier)
        unknown = f"the version's identifier '{identifier}' is not a branch, tag or commit of the repository"
        # An unknown identifier is still tried, so the build's log shows git's own answer.
        self._step(Step("cloning", f"git checkout --force {shlex.quote(ref or identifier)}"),
                   error=unknown if ref is None else f"could not check out '{identifier}'")
        if ref is None:  # git accepted it anyway (a file path, say): still no version of the repository
            raise BuildFailed(unknown)

    def _resolve(self, identifier: str) -> str | None:
        """The ref to check out for a version's identifier: a branch (as the remote has it), a
        tag, or a commit; HEAD is the remote's default branch. None when it names nothing."""
        if identifier.startswith("-"):
            return None
        candidates = [f"refs/tags/{identifier}", identifier]
        if identifier != "HEAD":
            candidates.insert(0, f"origin/{identifier}")
        try:  # one sandboxed command for all the candidates
            return self._query(["/bin/sh", "-c", FIRST_COMMIT, "sh", *candidates], "git rev-parse")
        except BuildFailed:
            return None

    def _git(self, *args: str) -> str:
        """A git query whose output the builder needs (not a step of the build's log)."""
        return self._query(["git", *args], f"git {args[0]}")

    def _query(self, argv: list[str], name: str) -> str:
        try:
            with self.sandbox.command(argv, str(self.inside / "checkout"), self.env, self.home) as popen:
                result = subprocess.run(**popen, capture_output=True, text=True, errors="replace", timeout=60,
                                        stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise BuildFailed(f"{name} did not answer within 60 seconds") from None
        if result.returncode != 0:
            raise BuildFailed(f"{name} failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def _step(self, step: Step, error: str | None = None) -> StepResult:
        """Run and record one step; a step that does not succeed fails the build."""
        command = mask(step.command, self.secrets)
        remaining = self.deadline - time.monotonic()
        if self.cancelled.is_set():
            raise BuildFailed(CANCELLED)
        if remaining <= 0:
            raise BuildFailed(total_limit(self.settings))
        limit = min(self.settings.build_step_timeout, remaining)
        result = run_step(step.command, str(self.inside / "checkout"), self.env, limit, self.settings.build_output_max,
                          self.secrets, self.cancelled, sandbox=self.sandbox, home=self.home, readable=self.readable)
        output, self.warning = (f"[{self.warning}]\n{result.output}" if self.warning else result.output), None
        self._write(self.commands.record_command, self.actor, self.number, command, output, result.exit_code,
                    result.started, result.finished)
        if result.cancelled:
            raise BuildFailed(CANCELLED)
        if result.timed_out and limit < self.settings.build_step_timeout:
            raise BuildFailed(total_limit(self.settings))
        if result.timed_out or result.exit_code != 0:
            raise BuildFailed(f"{failure(result, limit, error, self.settings)}: {command_quote(command)}")
        check_disk(self.home, self.settings)
        if step.creates_venv:
            self._use_venv(self.home / "venv")
        return result

    def _use_venv(self, venv: Path) -> None:
        """Later steps run in the build's virtual environment. `--system-site-packages` reaches only
        the base interpreter's packages; when the builder itself runs in a virtual environment, its
        packages (Sphinx, MkDocs) are added too, after the build environment's own."""
        own = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
        lines = "".join(f"import site; site.addsitedir({path!r})\n" for path in sorted(own))
        home = self.home.resolve()
        for site_packages in glob.glob(str(venv / "lib" / "python*" / "site-packages")):
            if home not in Path(site_packages).resolve().parents:
                continue  # a symbolic link the build made out of its home: never written through
            pth = Path(site_packages, "docsplane-builder.pth")
            pth.unlink(missing_ok=True)
            pth.write_text(lines)
        self.env["PATH"] = os.pathsep.join([str(self.inside / venv.relative_to(self.home) / "bin"), self.env["PATH"]])

    def _move(self, state: str, commit: str | None = None) -> None:
        """Move forward only: a retried build that got further before carries on from there."""
        if STATES.index(state) > STATES.index(self.state):
            self._write(self.commands.change_build_state, self.actor, self.number, state, commit=commit)
            self.state = state

    def _write(self, command, *args, **kwargs):
        try:
            return command(*args, **kwargs)
        except FieldError:
            if load_build(self.app, self.number).is_finished:
                raise BuildClosed() from None
            raise

    def _publish(self, output: Path, config: dict) -> None:
        """The output goes to the artifact store, then VersionPublished names it; the build finishes after."""
        present = formats_present(output, self.project_slug)
        missing = [f for f in formats_promised(config) if f not in present]
        if missing:
            raise BuildFailed(f"the build produced no {', '.join(missing)} output")
        if not present:
            return  # build.commands that wrote nothing to $READTHEDOCS_OUTPUT: nothing to serve
        if self.cancelled.is_set():
            raise BuildFailed(CANCELLED)
        release = self.artifacts.publish(self.project_slug, self.version_slug, output)
        self._write(self.versions.record_publication, self.actor, self.number, release)

    def _finish(self, success: bool, error: str | None = None) -> bool:
        try:
            self.commands.finish_build(self.actor, self.number, success, error=error, builder=self.builder)
        except FieldError:
            if load_build(self.app, self.number).is_finished:
                return False
            raise
        log.info("build %s: %s", self.number, "succeeded" if success else f"failed: {error}")
        return success


def _masked(value, secrets: list[str]):
    """A recorded config with secret values masked in its strings, like commands and output."""
    if isinstance(value, dict):
        return {key: _masked(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item, secrets) for item in value]
    return mask(value, secrets) if isinstance(value, str) else value
