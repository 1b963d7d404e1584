"""Real builds: a git repository made by the test, cloned and built by the build runner with real
git, Sphinx and MkDocs; what it records read back through the read model."""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from commands.handling.loading import load_project
from domain.version import Version
from git_support import build_config, commit, git, git_repository
from integration_support import event_log, project_settings
from workers.builds import leftovers as build_leftovers
from workers.wiring import build_runner

SPHINX_DOCS = {
    "docs/conf.py": "project = 'Fixture'\nextensions = []\n",
    "docs/index.rst": "Fixture\n=======\n\nHello from the fixture repository.\n",
}
@pytest.fixture
def builds_tmp(tmp_path, monkeypatch) -> Path:
    """Where the runner makes its temporary directories, to check that it removes them."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


@pytest.fixture
def sqlite_docsplane(make_settings, open_docsplane):
    """A container on SQLite, with build settings: `sqlite_docsplane(DOCSPLANE_BUILD_STEP_TIMEOUT=1)`."""
    return lambda **env: open_docsplane(make_settings("sqlite", **env))


class Fixture:
    """A project whose repository is `repo`, and the runner of its builds."""

    def __init__(self, docsplane, repo, url: str | None = None, **project):
        self.docsplane = docsplane
        self.repo = repo
        settings = project_settings("Fixture", repository={"url": url or str(repo), "type": "git"}, **project)
        self.slug = docsplane.projects.import_project("alice", settings).value
        self.runner = build_runner(docsplane)

    def build(self, version: str | None = None, cancelled: threading.Event | None = None):
        number = self.docsplane.builds.trigger_build("alice", self.slug, version).value
        succeeded = self.runner.run(number, cancelled)
        self.docsplane.catch_up()
        return succeeded, self.docsplane.read_model.build(self.slug, number), self.commands(number)

    def commands(self, number: int) -> list[dict]:
        return self.docsplane.build_command_queries.list(number, limit=100, offset=0).results

    def version(self, slug: str = "latest") -> dict:
        project = self.docsplane.read_model.project(self.slug, "alice")
        return self.docsplane.read_model.version(project, "alice", slug)

    def add_version(self, slug: str, identifier: str, type: str) -> None:
        project = load_project(self.docsplane.app, self.slug)
        self.docsplane.app.save(Version.create(
            project_id=project.id, project_slug=project.slug, number=self.docsplane.projects.ids["version"].next(),
            slug=slug, verbose_name=slug, identifier=identifier, type=type, active=True, actor="alice",
        ))


def summary(commands: list[dict]) -> list[tuple[str, int]]:
    return [(c["command"].split(" -- ")[0].split(" -T")[0], c["exit_code"]) for c in commands]


def test_sphinx_build_of_a_fixture_repository(docsplane, tmp_path, builds_tmp):
    repo = git_repository(tmp_path / "repo", SPHINX_DOCS)
    fixture = Fixture(docsplane, repo, default_branch=None)  # `latest` is the remote's HEAD: `main`, once synced

    succeeded, build, commands = fixture.build()

    assert succeeded is True, (build["error"], [c["output"] for c in commands])
    assert (build["state"], build["success"], build["error"]) == ("finished", True, None)
    assert build["commit_hash"] == git(repo, "rev-parse", "HEAD")
    assert build["config"]["sphinx"] == {"configuration": "docs/conf.py", "builder": "html", "fail_on_warning": False}
    assert summary(commands) == [("git clone --no-checkout", 0), ("git checkout --force origin/main", 0),
                                 ("python -m sphinx", 0)]
    assert commands[2]["command"] == 'python -m sphinx -T -d _build/doctrees -b html docs "$DOCSPLANE_OUTPUT/html"'
    assert "build succeeded" in commands[2]["output"]
    assert all(c["created"] <= c["finished"] for c in commands)
    assert fixture.version()["built"] is True
    assert list(builds_tmp.iterdir()) == []  # the build's directory is gone


def test_a_failing_step_records_its_exit_code_and_fails_the_build(sqlite_docsplane, tmp_path, builds_tmp):
    docsplane = sqlite_docsplane()
    fixture = Fixture(docsplane, git_repository(tmp_path / "repo", build_config("echo before", "exit 1", "echo never")))

    succeeded, build, commands = fixture.build()

    assert succeeded is False
    assert (build["state"], build["success"]) == ("finished", False)
    assert build["error"] == "the command exited with code 1: exit 1"
    assert summary(commands)[2:] == [("echo before", 0), ("exit 1", 1)]
    assert commands[2]["output"] == "before\n"
    assert build["config"]["build"]["commands"] == ["echo before", "exit 1", "echo never"]
    assert fixture.version()["built"] is False
    assert list(builds_tmp.iterdir()) == []


@pytest.mark.parametrize("sandbox", ["bwrap", "none"])
def test_a_step_over_its_time_limit_is_killed_with_its_children(sqlite_docsplane, tmp_path, sandbox):
    docsplane = sqlite_docsplane(DOCSPLANE_BUILD_STEP_TIMEOUT=1, DOCSPLANE_BUILD_SANDBOX=sandbox)
    marker = f"60.{os.getpid()}{time.monotonic_ns() % 100000}"  # a sleep no other process runs
    fixture = Fixture(docsplane, git_repository(tmp_path / "repo", build_config(f"echo started; sleep {marker} & wait")))

    started = time.monotonic()
    succeeded, build, commands = fixture.build()

    assert time.monotonic() - started < 15
    assert succeeded is False
    assert build["error"].startswith("the command timed out after 1 seconds: echo started;")
    step = commands[-1]
    assert step["exit_code"] == 124
    assert step["output"].endswith("started\n[docsplane: the command was killed after 1 seconds (time limit)]\n")
    assert_gone(*processes_running(f"sleep {marker}"))


def processes_running(command_line: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if cmdline.read_bytes().replace(b"\0", b" ").strip() == command_line.encode():
                found.append(int(cmdline.parent.name))
        except OSError:
            pass
    return found


def test_the_total_time_limit_ends_the_build(sqlite_docsplane, tmp_path):
    docsplane = sqlite_docsplane(DOCSPLANE_BUILD_TIMEOUT=1.5)
    fixture = Fixture(docsplane, git_repository(tmp_path / "repo", build_config("sleep 60", "echo never")))

    succeeded, build, commands = fixture.build()

    assert succeeded is False
    assert build["error"] == "the build exceeded its time limit of 1.5 seconds"
    assert summary(commands)[-1] == ("sleep 60", 124)


def assert_gone(*pids: int) -> None:
    deadline = time.monotonic() + 5
    for pid in pids:
        while not _gone(pid):
            if time.monotonic() > deadline:
                pytest.fail(f"process {pid} outlived its step")
            time.sleep(0.05)


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"  # killed, not reaped yet
    except OSError:
        return True


def test_environment_variables_are_injected_and_masked(sqlite_docsplane, tmp_path, monkeypatch):
    monkeypatch.setenv("DOCSPLANE_TEST_WORKER_ONLY", "not-for-builds")
    docsplane = sqlite_docsplane()
    config = build_config('echo "token=$API_TOKEN"; test "$API_TOKEN" = s3cr3t-value-42',
                          "echo s3cr3t-value-42 literally", "env | sort")
    fixture = Fixture(docsplane, git_repository(tmp_path / "repo", config))
    docsplane.environment_variables.create_environment_variable("alice", fixture.slug, "API_TOKEN", "s3cr3t-value-42")

    succeeded, build, commands = fixture.build()

    assert succeeded is True, build["error"]
    assert commands[2]["output"] == "token=****\n"
    assert (commands[3]["command"], commands[3]["output"]) == ("echo **** literally", "**** literally\n")
    environment = dict(line.split("=", 1) for line in commands[4]["output"].splitlines())
    assert environment["API_TOKEN"] == "****"
    assert (environment["DOCSPLANE_PROJECT"], environment["DOCSPLANE_VERSION"]) == ("fixture", "latest")
    sandboxed = fixture.runner.sandbox.enabled
    assert environment["HOME"] == "/home/docs" if sandboxed else environment["HOME"].startswith(tempfile.gettempdir())
    assert environment["LANG"] == "C.UTF-8"
    assert "DOCSPLANE_TEST_WORKER_ONLY" not in environment  # the worker's own environment stays out
    assert [n.topic for n in event_log(docsplane) if b"s3cr3t-value-42" in n.state] == []


def test_mkdocs_build_when_mkdocs_yml_is_at_the_root(sqlite_docsplane, tmp_path):
    docsplane = sqlite_docsplane()
    files = {"mkdocs.yml": "site_name: Fixture\n", "docs/index.md": "# Fixture\n\nHello.\n"}
    fixture = Fixture(docsplane, git_repository(tmp_path / "repo", files))

    succeeded, build, commands = fixture.build()

    assert succeeded is True, build["error"]
    assert commands[-1]["command"] == ('python -m mkdocs build --clean --site-dir "$DOCSPLANE_OUTPUT/html" '
                                       '--config-file mkdocs.yml')
    assert "Documentation built" in commands[-1]["output"]
    assert build["config"]["mkdocs"] == {"configuration": "mkdocs.yml", "fail_on_warning": False}
    assert fixture.version()["built"] is True


def test_an_unknown_branch_fails_the_build_clearly(sqlite_docsplane, tmp_path):
    docsplane = sqlite_docsplane()
    fixture = Fixture(docsplane, git_repository(tmp_path / "repo", SPHINX_DOCS), default_branch="no-such-branch")

    succeeded, build, commands = fixture.build()

    assert succeeded is False
    assert build["error"].startswith(
        "the version's identifier 'no-such-branch' is not a branch, tag or commit of the repository")
    assert build["commit_hash"] is None
    assert summary(commands)[0] == ("git clone --no-checkout", 0)
    assert commands[1]["command"] == "git checkout --force no-such-branch" and commands[1]["exit_code"] != 0
    assert "no-such-branch" in commands[1]["output"]


def test_branches_and_tags_build_at_their_commit_from_a_file_url(sqlite_docsplane, tmp_path):
    docsplane = sqlite_docsplane()
    repo = git_repository(tmp_path / "repo", SPHINX_DOCS)
    git(repo, "tag", "v1.0")
    tagged = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "feature")
    feature = commit(repo, {"docs/index.rst": "Feature\n=======\n"})
    git(repo, "checkout", "-q", "main")
    fixture = Fixture(docsplane, repo, url=repo.as_uri())
    fixture.add_version("v1.0", "v1.0", "tag")
    fixture.add_version("feature", "feature", "branch")

    # The sync at the start of the first build finds these versions: a tag's identifier becomes its commit.
    for version, expected, ref in (("v1.0", tagged, tagged), ("feature", feature, "origin/feature"),
                                   ("latest", tagged, "origin/main")):
        succeeded, build, commands = fixture.build(version)
        assert succeeded is True, build["error"]
        assert build["commit_hash"] == expected
        assert commands[1]["command"] == f"git checkout --force {ref}"
    assert fixture.version("v1.0")["built"] is True


def test_requirements_get_a_build_environment_that_still_has_sphinx(sqlite_docsplane, tmp_path):
    docsplane = sqlite_docsplane()
    config = ("python:\n  install:\n    - requirements: docs/requirements.txt\n"
              "build:\n  jobs:\n    pre_build:\n      - python -c 'import sys, sphinx; print(sys.prefix)'\n")
    files = {**SPHINX_DOCS, ".readthedocs.yaml": config, "docs/requirements.txt": "# nothing to download\n"}
    fixture = Fixture(docsplane, git_repository(tmp_path / "repo", files))

    succeeded, build, commands = fixture.build()

    assert succeeded is True, build["error"]
    assert [c["command"] for c in commands[2:4]] == [
        'python -m venv --system-site-packages "$HOME/venv"',
        "python -m pip install --exists-action=w -r docs/requirements.txt",
    ]
    assert commands[4]["output"].strip().endswith("/venv")  # the build environment's python, with Sphinx
    assert summary(commands)[5] == ("python -m sphinx", 0)
    assert build["config"]["source"] == ".readthedocs.yaml"


def test_cancelling_kills_the_running_step(sqlite_docsplane, tmp_path):
    docsplane = sqlite_docsplane()
    fixture = Fixture(docsplane, git_repository(tmp_path / "repo", build_config("sleep 60")))
    cancelled = threading.Event()
    threading.Timer(0.5, cancelled.set).start()

    started = time.monotonic()
    succeeded, build, commands = fixture.build(cancelled=cancelled)

    assert time.monotonic() - started < 15
    assert (succeeded, build["error"]) == (False, "cancelled")
    assert commands[-1]["command"] == "sleep 60" and commands[-1]["exit_code"] == -9


def test_output_is_capped(sqlite_docsplane, tmp_path):
    docsplane = sqlite_docsplane(DOCSPLANE_BUILD_OUTPUT_MAX=1000)
    config = "build:\n  commands:\n    - python -c 'print(\"x\" * 100000, end=\"\")'\n"
    fixture = Fixture(docsplane, git_repository(tmp_path / "repo", {".docsplane.yaml": config}))

    succeeded, build, commands = fixture.build()

    assert succeeded is True
    output = commands[-1]["output"]
    assert "[docsplane: 99000 bytes of output omitted; a command's output is capped at 1000 bytes]" in output
    assert output.count("x") == 1000


def test_an_invalid_configuration_fails_the_build_clearly(sqlite_docsplane, tmp_path):
    docsplane = sqlite_docsplane()
    fixture = Fixture(docsplane, git_repository(tmp_path / "repo", {".docsplane.yaml": "build:\n  commands: echo\n"}))

    succeeded, build, commands = fixture.build()

    assert succeeded is False
    assert build["error"] == "invalid build configuration: .docsplane.yaml: build.commands must be a list"
    assert len(commands) == 2


def test_a_finished_build_is_not_run_again(sqlite_docsplane, tmp_path):
    docsplane = sqlite_docsplane()
    fixture = Fixture(docsplane, git_repository(tmp_path / "repo", build_config("echo hi")))
    succeeded, build, commands = fixture.build()

    assert fixture.runner.run(build["id"]) is True  # a redelivered job
    docsplane.catch_up()
    assert fixture.commands(build["id"]) == commands


def test_what_a_killed_worker_left_is_removed_by_the_next_build(sqlite_docsplane, tmp_path, builds_tmp):
    """A killed worker cannot clean up: its build directory stays, and the step it ran (in a session
    of its own) keeps running. The next build on the machine kills that step and removes the directory."""
    docsplane = sqlite_docsplane()
    dead_worker = subprocess.Popen(["true"])
    dead_worker.wait()
    left = builds_tmp / "docsplane-build-7-abc"
    (left / "checkout").mkdir(parents=True)
    (left / ".docsplane-owner").write_text(f"{dead_worker.pid} 1")
    orphan = subprocess.Popen(["sleep", "60"], cwd=left / "checkout", start_new_session=True)
    alive = builds_tmp / "docsplane-build-8-def"  # a build of a worker still running: kept
    alive.mkdir()
    build_leftovers.claim(alive)
    fixture = Fixture(docsplane, git_repository(tmp_path / "repo", build_config("echo hi")))

    succeeded, build, commands = fixture.build()

    assert succeeded is True
    assert orphan.wait(timeout=5) == -9
    assert sorted(builds_tmp.iterdir()) == [alive]
