"""A repository's build configuration (`.docsplane.yaml`, or Read the Docs' `.readthedocs.yaml`),
read into the normalized config recorded on the build, and the shell steps it asks for.

Supported keys (others, like `build.os` or `search`, are accepted and ignored, so Read the Docs
files work unchanged):
  build.commands: [str]       replace the documentation tool's build (output goes to $DOCSPLANE_OUTPUT)
  build.jobs.<phase>: [str]   extra commands: post_checkout, pre_install, post_install, pre_build, post_build
  python.install: [{requirements: path} | {path: path, extra_requirements: [str]}]
                              installed with pip into a per-build virtual environment
  sphinx: {configuration: docs/conf.py, builder: html|dirhtml|singlehtml, fail_on_warning: bool}
  mkdocs: {configuration: mkdocs.yml, fail_on_warning: bool}
  formats: all | [htmlzip, epub, pdf]   extra Sphinx outputs, each left as $DOCSPLANE_OUTPUT/<format>/<project>.<ext>
Without a file: MkDocs when `mkdocs.yml` is at the root, otherwise Sphinx on `docs/`."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

CONFIG_FILES = (".docsplane.yaml", ".docsplane.yml", ".readthedocs.yaml", ".readthedocs.yml")
JOB_PHASES = ("post_checkout", "pre_install", "post_install", "pre_build", "post_build")
SPHINX_BUILDERS = ("html", "dirhtml", "singlehtml")
# `all` includes pdf, as on Read the Docs: it needs a LaTeX toolchain (latexmk) on the builder, else the build fails.
FORMATS = ("htmlzip", "epub", "pdf")
NO_LATEX = "pdf needs LaTeX, and latexmk is not installed on the builder (remove pdf from `formats`)"
# Everything a build writes outside its checkout lives under $HOME (the build's temporary directory).
VENV = '"$HOME/venv"'


class ConfigError(ValueError):
    """The repository's configuration cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Step:
    phase: str  # "cloning", "installing" or "building": the build state the step runs in
    command: str  # a shell command, run by /bin/sh in the checkout and recorded as written
    creates_venv: bool = False
    error: str | None = None  # the build's error when the step fails, instead of its exit code


def read_config(checkout: Path) -> dict:
    """The normalized configuration of the checkout (defaults filled in when there is no file)."""
    for name in CONFIG_FILES:
        path = checkout / name
        if path.is_symlink() and checkout.resolve() not in path.resolve().parents:
            raise ConfigError(f"{name} is a symbolic link out of the repository")
        if path.is_file():
            try:
                raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (yaml.YAMLError, UnicodeDecodeError) as error:
                raise ConfigError(f"{name} is not valid YAML: {error}") from None
            return _normalized(name, raw if raw is not None else {}, checkout)
    return _normalized(None, {}, checkout)


def _is_file_inside(checkout: Path, relative: str) -> bool:
    """A file of the checkout, through no symbolic link out of it (the worker reads the host's files)."""
    path = (checkout / relative).resolve()
    return checkout.resolve() in path.parents and path.is_file()


def plan_steps(config: dict) -> list[Step]:
    """The steps after the clone, in order, for a normalized config."""
    jobs = config["build"]["jobs"]
    steps = [Step("cloning", c) for c in jobs["post_checkout"]]
    steps += [Step("installing", c) for c in jobs["pre_install"]]
    installs = config["python"]["install"]
    if installs:
        steps.append(Step("installing", f"python -m venv --system-site-packages {VENV}", creates_venv=True))
        steps += [Step("installing", _pip_install(item)) for item in installs]
    steps += [Step("installing", c) for c in jobs["post_install"]]
    steps += [Step("building", c) for c in jobs["pre_build"]]
    steps += [Step("building", c) for c in config["build"]["commands"]] or _tool_steps(config)
    steps += [Step("building", c) for c in jobs["post_build"]]
    return steps


def _pip_install(item: dict) -> str:
    if "requirements" in item:
        return f"python -m pip install --exists-action=w -r {shlex.quote(item['requirements'])}"
    extras = ",".join(item["extra_requirements"])
    target = f"./{item['path']}" + (f"[{extras}]" if extras else "")
    return f"python -m pip install --exists-action=w {shlex.quote(target)}"


def _tool_steps(config: dict) -> list[Step]:
    checks = [Step("building", "command -v latexmk", error=NO_LATEX)] if "pdf" in config["formats"] else []
    return checks + [Step("building", command) for command in _tool_commands(config)]


def _tool_commands(config: dict) -> list[str]:
    if config["mkdocs"] is not None:
        mkdocs = config["mkdocs"]
        strict = " --strict" if mkdocs["fail_on_warning"] else ""
        return [f'python -m mkdocs build --clean --site-dir "$DOCSPLANE_OUTPUT/html" '
                f'--config-file {shlex.quote(mkdocs["configuration"])}{strict}']
    sphinx = config["sphinx"]
    source = shlex.quote(str(PurePosixPath(sphinx["configuration"]).parent))
    warnings = " -W --keep-going" if sphinx["fail_on_warning"] else ""
    sphinx_build = f"python -m sphinx -T{warnings} -d _build/doctrees"
    commands = [f'{sphinx_build} -b {sphinx["builder"]} {source} "$DOCSPLANE_OUTPUT/html"']
    if "htmlzip" in config["formats"]:
        commands += [f'{sphinx_build} -b singlehtml {source} _build/singlehtml',
                     'mkdir -p "$DOCSPLANE_OUTPUT/htmlzip" && cd _build && '
                     'python -m zipfile -c "$DOCSPLANE_OUTPUT/htmlzip/$DOCSPLANE_PROJECT.zip" singlehtml']
    if "epub" in config["formats"]:
        commands += [f'{sphinx_build} -b epub {source} _build/epub', _collect("epub", "epub")]
    if "pdf" in config["formats"]:
        commands += [f'{sphinx_build} -b latex {source} _build/latex',
                     'cd _build/latex && latexmk -r latexmkrc -pdf -f -dvi- -ps- -jobname="$DOCSPLANE_PROJECT" '
                     '-interaction=nonstopmode', _collect("latex", "pdf")]
    return commands


def _collect(build_dir: str, format_: str) -> str:
    """Copies a builder's one file to where the artifact store takes it, under Read the Docs' name."""
    return (f'mkdir -p "$DOCSPLANE_OUTPUT/{format_}" && '
            f'cp _build/{build_dir}/*.{format_} "$DOCSPLANE_OUTPUT/{format_}/$DOCSPLANE_PROJECT.{format_}"')


def _normalized(source: str | None, raw, checkout: Path) -> dict:
    where = source or "the build configuration"
    check = _Checker(where)
    check.mapping(raw, "the file")
    build = check.mapping(raw.get("build", {}), "build")
    jobs = check.mapping(build.get("jobs", {}), "build.jobs")
    python = check.mapping(raw.get("python", {}), "python")
    sphinx = raw.get("sphinx")
    mkdocs = raw.get("mkdocs")
    if sphinx is not None and mkdocs is not None:
        raise ConfigError(f"{where}: use either `sphinx` or `mkdocs`, not both")
    if sphinx is None and mkdocs is None and source is None and _is_file_inside(checkout, "mkdocs.yml"):
        mkdocs = {}
    config = {
        "version": raw.get("version", 2),
        "source": source,
        "build": {
            "commands": check.strings(build.get("commands", []), "build.commands"),
            "jobs": {phase: check.strings(jobs.get(phase, []), f"build.jobs.{phase}") for phase in JOB_PHASES},
        },
        "python": {"install": [check.install(item, i) for i, item in
                               enumerate(check.sequence(python.get("install", []), "python.install"))]},
        "sphinx": None,
        "mkdocs": None,
        "formats": check.formats(raw.get("formats", [])),
    }
    if mkdocs is not None:
        mkdocs = check.mapping(mkdocs, "mkdocs")
        config["mkdocs"] = {
            "configuration": check.path(mkdocs.get("configuration", "mkdocs.yml"), "mkdocs.configuration"),
            "fail_on_warning": check.boolean(mkdocs.get("fail_on_warning", False), "mkdocs.fail_on_warning"),
        }
    else:
        sphinx = check.mapping(sphinx if sphinx is not None else {}, "sphinx")
        configuration = check.path(sphinx.get("configuration", "docs/conf.py"), "sphinx.configuration")
        builder = sphinx.get("builder", "html")
        if builder not in SPHINX_BUILDERS:
            raise ConfigError(f"{where}: sphinx.builder must be one of {', '.join(SPHINX_BUILDERS)}")
        config["sphinx"] = {
            "configuration": configuration,
            "builder": builder,
            "fail_on_warning": check.boolean(sphinx.get("fail_on_warning", False), "sphinx.fail_on_warning"),
        }
        if not config["build"]["commands"] and not _is_file_inside(checkout, configuration):
            raise ConfigError(f"no documentation found: {configuration} does not exist (add docs/conf.py for "
                              f"Sphinx, mkdocs.yml for MkDocs, or a {CONFIG_FILES[0]} naming them)")
    return config


class _Checker:
    """Type checks of the raw YAML, each failing with the file and key in its message."""

    def __init__(self, where: str):
        self.where = where

    def fail(self, key: str, expected: str):
        raise ConfigError(f"{self.where}: {key} must be {expected}")

    def mapping(self, value, key: str) -> dict:
        return value if isinstance(value, dict) else self.fail(key, "a mapping")

    def sequence(self, value, key: str) -> list:
        return value if isinstance(value, list) else self.fail(key, "a list")

    def strings(self, value, key: str) -> list[str]:
        items = self.sequence(value, key)
        if not all(isinstance(item, str) and item.strip() and "\x00" not in item for item in items):
            self.fail(key, "a list of non-empty strings")
        return items

    def boolean(self, value, key: str) -> bool:
        return value if isinstance(value, bool) else self.fail(key, "true or false")

    def path(self, value, key: str) -> str:
        """A path inside the checkout, relative to its root."""
        if not isinstance(value, str) or not value.strip() or "\x00" in value:
            self.fail(key, "a path")
        path = PurePosixPath(value)
        if path.is_absolute() or ".." in path.parts:
            self.fail(key, "a path inside the repository")
        return str(path)

    def install(self, item, index: int) -> dict:
        key = f"python.install[{index}]"
        item = self.mapping(item, key)
        if "requirements" in item:
            return {"requirements": self.path(item["requirements"], f"{key}.requirements")}
        if "path" in item:
            return {"path": self.path(item["path"], f"{key}.path"),
                    "extra_requirements": self.strings(item.get("extra_requirements", []), f"{key}.extra_requirements")}
        return self.fail(key, "{requirements: <file>} or {path: <directory>}")

    def formats(self, value) -> list[str]:
        if value == "all":
            return list(FORMATS)
        formats = self.strings(value, "formats")
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            self.fail("formats", f"'all' or a list of {', '.join(FORMATS)} (unsupported: {', '.join(unknown)})")
        return formats
