"""The deployment files agree: the Procfile and docker-compose.yml run the same processes with the same
commands and environment variables (those the production recipe's environment file sets); the image
installs with the pinned constraints; every body a curl of the README or docs/ sends exists, and the
examples are the seed's bodies."""

from __future__ import annotations

import json
import re
import shlex
import tomllib

import pytest
import yaml
from packaging.requirements import Requirement

from production_recipe import RECIPE, ROOT, recipe_blocks

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCSPLANE_SERVICES = {name: service for name, service in COMPOSE["services"].items() if service.get("image") == "docsplane:local"}


# compose puts nginx in front of the docs host, which then hands files over by X-Accel-Redirect; the
# single-host recipe's docs host answers readers itself.
COMPOSE_ONLY = {"docs": {"DOCSPLANE_DOCS_ACCEL_REDIRECT"}}


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_the_procfile_and_compose_run_the_same_processes_with_the_same_commands():
    assert {name: shlex.join(service["command"]) for name, service in DOCSPLANE_SERVICES.items()} == procfile()


def test_the_dockerfile_runs_the_procfiles_api_command_with_the_pinned_constraints():
    dockerfile = (ROOT / "Dockerfile").read_text()
    command = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE).group(1))
    assert shlex.join(command) == procfile()["api"]
    assert "pip install --no-cache-dir -c constraints.txt ." in dockerfile


def test_the_recipes_environment_file_sets_what_compose_sets():
    configure = next(block.text for block in recipe_blocks() if "docsplane.env\" <<EOF" in block.text)
    written = re.search(r"<<EOF\n(.*?)\nEOF", configure, re.DOTALL).group(1)
    recipe_names = {line.split("=", 1)[0] for line in written.splitlines()}
    environments = {name: set(service["environment"]) - COMPOSE_ONLY.get(name, set()) for name, service in DOCSPLANE_SERVICES.items()}
    assert all(names == recipe_names for names in environments.values()), (environments, recipe_names)


def test_constraints_pin_every_runtime_dependency_and_no_test_tool():
    """A dependency added to pyproject.toml without `scripts/freeze-constraints.py` fails here."""
    pins = dict(line.split("==") for line in (ROOT / "constraints.txt").read_text().splitlines() if "==" in line)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for text in project["dependencies"] + project["optional-dependencies"]["run"]:
        name = re.sub(r"[-_.]+", "-", Requirement(text).name).lower()
        assert name in pins, f"{name} is not pinned: run scripts/freeze-constraints.py"
    for test_tool in ("pytest", "selenium", "schemathesis", "hypothesis"):
        assert test_tool not in pins


def curl_bodies() -> list[tuple[str, str]]:
    """(document, path) of every `-d @path` in the README and docs/."""
    found = []
    for document in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        found += [(document.name, path) for path in re.findall(r"-d @(\S+)", document.read_text())]
    return found


def test_every_curl_body_in_the_docs_is_in_the_repository():
    bodies = curl_bodies()
    assert ("production.md", "examples/project-create.json") in bodies and ("README.md", "examples/project-create.json") in bodies
    for document, path in bodies:
        assert (ROOT / path).is_file(), f"{document}: curl sends @{path}, which is not in the repository"
        json.loads((ROOT / path).read_text())


def test_the_examples_are_the_seeds_bodies():
    from seed_examples import examples, lenient_json

    try:
        seeded = [example for example in examples() if example.body]
    except FileNotFoundError as error:
        pytest.fail(str(error))
    shipped = {path.name for path in (ROOT / "examples").glob("*.json")}
    named = {}
    for example in seeded:
        name = example.section.lower().replace("environment variable", "environmentvariable").replace(" ", "-") + ".json"
        named[name] = lenient_json(example.body)
    assert set(named) == shipped
    for name, body in named.items():
        assert json.loads((ROOT / "examples" / name).read_text()) == body, name
    assert RECIPE.is_file()
