"""The build sandbox's cost (issue 15): a small Sphinx project built by the real build runner in the
bubblewrap sandbox vs. without it (DOCSPLANE_BUILD_SANDBOX=none), on SQLite, in this process.
A figure of `python -m bench` (`--only sandbox`).

Each build clones a local repository, checks it out, asks git for its commit and runs Sphinx: every
one of those commands pays the sandbox's setup. Builds alternate between the two settings (after a
warm-up build of each), so drift hits both alike; the figure is the median build time with the
sandbox over the median without (target <= 1.10). For scale, a second row: one command (`true`)
in the sandbox vs. started directly, the fixed cost each command of a build pays; a third: the part
of it the sandbox's own network costs (DOCSPLANE_BUILD_NETWORK=isolated, slirp4netns, vs host)."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import replace
from pathlib import Path

from bench.support import Config, Row, in_process
from workers.wiring import build_runner

TARGET = 1.10
FILES = {
    "docs/conf.py": "project = 'Bench'\nextensions = []\n",
    "docs/index.rst": "Bench\n=====\n\n.. toctree::\n\n   one\n   two\n",
    "docs/one.rst": "One\n===\n\n" + "A paragraph of the first page.\n\n" * 50,
    "docs/two.rst": "Two\n===\n\n" + "A paragraph of the second page.\n\n" * 50,
}
IDENTITY = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
            "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}


def repository(path: Path) -> Path:
    for name, text in FILES.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    env = {"PATH": os.environ["PATH"], "HOME": str(path), **IDENTITY}
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "docs"]):
        subprocess.run(["git", *command], cwd=path, env=env, check=True)
    return path


class Builder:
    """A container with one project, building it again and again under one sandbox setting."""

    def __init__(self, workdir: Path, sandbox: str, repo: Path):

        self.docsplane = in_process({"DOCSPLANE_DATA_DIR": str(workdir / f"data-{sandbox}"),
                                     "DOCSPLANE_BUILD_SANDBOX": sandbox})
        self.runner = build_runner(self.docsplane)
        self.sandbox = self.runner.sandbox.name
        self.slug = self.docsplane.projects.import_project("bench", {
            "name": "Bench", "repository": {"url": str(repo), "type": "git"}, "language": "en",
            "programming_language": "py", "homepage": None, "default_branch": "main", "privacy_level": "public",
            "tags": [], "single_version": False,
        }).value

    def build(self) -> float:
        number = self.docsplane.builds.trigger_build("bench", self.slug, None).value
        started = time.perf_counter()
        succeeded = self.runner.run(number)
        elapsed = time.perf_counter() - started
        if not succeeded:
            self.docsplane.catch_up()
            raise RuntimeError(f"the {self.sandbox} build failed: {self.docsplane.read_model.build(self.slug, number)['error']}")
        return elapsed


def run(cfg: Config) -> list[Row]:
    from workers.sandbox.sandbox import sandbox_for

    repo = repository(cfg.workdir / "sandbox-repo")
    builders = [Builder(cfg.workdir, "bwrap", repo), Builder(cfg.workdir, "none", repo)]
    if builders[0].sandbox != "bwrap":
        raise RuntimeError("bwrap does not work here: nothing to compare")
    try:
        times: dict[str, list[float]] = {"bwrap": [], "none": []}
        for builder in builders:
            builder.build()  # warm-up: imports, caches
        for _ in range(4 if cfg.quick else 15):
            for builder in builders:
                times[builder.sandbox].append(builder.build())
        runs = 20 if cfg.quick else 100
        setup, direct = command_times(builders[0].runner.sandbox, cfg.workdir / "sandbox-home", runs)
        host_network = sandbox_for(replace(builders[0].docsplane.settings, build_network="host"))
        host_setup, _ = command_times(host_network, cfg.workdir / "sandbox-home-host", runs)
    finally:
        for builder in builders:
            builder.docsplane.close()
    sandboxed, bare = statistics.median(times["bwrap"]), statistics.median(times["none"])
    return [
        Row("a small Sphinx build in the sandbox (bwrap)", f"{sandboxed * 1000:.0f} ms",
            f"{bare * 1000:.0f} ms (DOCSPLANE_BUILD_SANDBOX=none)", f"{sandboxed / bare:.2f}x", f"<= {TARGET:.2f}x",
            sandboxed / bare <= TARGET, notes=[f"{len(times['bwrap'])} builds each, alternating, after a warm-up build"]),
        Row("  one command (`true`) in the sandbox (for scale)", f"{setup * 1000:.1f} ms",
            f"{direct * 1000:.1f} ms (/bin/sh -c true)", f"+{(setup - direct) * 1000:.1f} ms", "-", True),
        Row(f"  of which its network ({builders[0].docsplane.settings.build_network})", f"{setup * 1000:.1f} ms",
            f"{host_setup * 1000:.1f} ms (DOCSPLANE_BUILD_NETWORK=host)", f"+{(setup - host_setup) * 1000:.1f} ms", "-", True),
    ]


def command_times(sandbox, home: Path, runs: int) -> tuple[float, float]:
    """Median seconds of `true` through the sandbox, and of `/bin/sh -c true`."""
    home.mkdir()
    sandbox.hand_over(home)

    def sandboxed():
        with sandbox.command(["true"], "/home/docs", {"PATH": "/usr/bin:/bin"}, home) as popen:
            subprocess.run(**popen, check=True)

    samples: dict[object, list[float]] = {sandboxed: [], direct_true: []}
    for _ in range(runs):
        for run_once in samples:
            started = time.perf_counter()
            run_once()
            samples[run_once].append(time.perf_counter() - started)
    return statistics.median(samples[sandboxed]), statistics.median(samples[direct_true])


def direct_true() -> None:
    subprocess.run(["/bin/sh", "-c", "true"], check=True)
