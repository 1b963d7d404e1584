"""A repository's build configuration read into a normalized config and the steps it asks for."""

import pytest

from workers.builds.config import NO_LATEX, ConfigError, plan_steps, read_config


def checkout(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def commands(config: dict) -> list[tuple[str, str]]:
    return [(step.phase, step.command) for step in plan_steps(config)]


def test_without_a_file_sphinx_builds_docs(tmp_path):
    config = read_config(checkout(tmp_path, {"docs/conf.py": ""}))
    assert config["source"] is None and config["mkdocs"] is None
    assert commands(config) == [
        ("building", 'python -m sphinx -T -d _build/doctrees -b html docs "$DOCSPLANE_OUTPUT/html"')]


def test_without_a_file_mkdocs_yml_at_the_root_means_mkdocs(tmp_path):
    config = read_config(checkout(tmp_path, {"mkdocs.yml": "site_name: x\n", "docs/conf.py": ""}))
    assert config["sphinx"] is None
    assert commands(config) == [("building", 'python -m mkdocs build --clean --site-dir "$DOCSPLANE_OUTPUT/html" '
                                             '--config-file mkdocs.yml')]


def test_nothing_to_build_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="no documentation found: docs/conf.py does not exist"):
        read_config(checkout(tmp_path, {"README": "hi"}))


def test_a_read_the_docs_file_with_everything(tmp_path):
    files = {
        "doc/source/conf.py": "",
        ".readthedocs.yaml": """
version: 2
build:
  os: ubuntu-22.04            # ignored
  jobs:
    post_checkout: [git log -1]
    post_install: [pip list]
python:
  install:
    - requirements: doc/requirements.txt
    - path: .
      extra_requirements: [docs]
sphinx:
  configuration: doc/source/conf.py
  builder: dirhtml
  fail_on_warning: true
formats: all
""",
    }
    config = read_config(checkout(tmp_path, files))
    assert config["source"] == ".readthedocs.yaml"
    assert config["formats"] == ["htmlzip", "epub", "pdf"]  # `all` includes pdf, as on Read the Docs
    sphinx = "python -m sphinx -T -W --keep-going -d _build/doctrees"
    assert commands(config) == [
        ("cloning", "git log -1"),
        ("installing", 'python -m venv --system-site-packages "$HOME/venv"'),
        ("installing", "python -m pip install --exists-action=w -r doc/requirements.txt"),
        ("installing", "python -m pip install --exists-action=w './.[docs]'"),
        ("installing", "pip list"),
        ("building", "command -v latexmk"),
        ("building", f'{sphinx} -b dirhtml doc/source "$DOCSPLANE_OUTPUT/html"'),
        ("building", f"{sphinx} -b singlehtml doc/source _build/singlehtml"),
        ("building", 'mkdir -p "$DOCSPLANE_OUTPUT/htmlzip" && cd _build && '
                     'python -m zipfile -c "$DOCSPLANE_OUTPUT/htmlzip/$DOCSPLANE_PROJECT.zip" singlehtml'),
        ("building", f"{sphinx} -b epub doc/source _build/epub"),
        ("building", 'mkdir -p "$DOCSPLANE_OUTPUT/epub" && '
                     'cp _build/epub/*.epub "$DOCSPLANE_OUTPUT/epub/$DOCSPLANE_PROJECT.epub"'),
        ("building", f"{sphinx} -b latex doc/source _build/latex"),
        ("building", 'cd _build/latex && latexmk -r latexmkrc -pdf -f -dvi- -ps- -jobname="$DOCSPLANE_PROJECT" '
                     "-interaction=nonstopmode"),
        ("building", 'mkdir -p "$DOCSPLANE_OUTPUT/pdf" && '
                     'cp _build/latex/*.pdf "$DOCSPLANE_OUTPUT/pdf/$DOCSPLANE_PROJECT.pdf"'),
    ]
    assert [step.error for step in plan_steps(config) if step.error] == [NO_LATEX]


def test_build_commands_replace_the_tool(tmp_path):
    config = read_config(checkout(tmp_path, {".docsplane.yaml": "build:\n  commands: [make html]\n"}))
    assert commands(config) == [("building", "make html")]


@pytest.mark.parametrize("text, message", [
    ("- a list", ".docsplane.yaml: the file must be a mapping"),
    ("build: {commands: echo}", ".docsplane.yaml: build.commands must be a list"),
    ("build: {commands: ['']}", ".docsplane.yaml: build.commands must be a list of non-empty strings"),
    ("python: {install: [{pip: x}]}", ".docsplane.yaml: python.install[0] must be {requirements: <file>}"),
    ("python: {install: [{requirements: ../x}]}", "python.install[0].requirements must be a path inside the repository"),
    ("sphinx: {configuration: /etc/conf.py}", "sphinx.configuration must be a path inside the repository"),
    ("sphinx: {builder: latex}", "sphinx.builder must be one of html, dirhtml, singlehtml"),
    ("sphinx: {}\nmkdocs: {}", "use either `sphinx` or `mkdocs`, not both"),
    ("formats: [pdf, docx]", "formats must be 'all' or a list of htmlzip, epub, pdf (unsupported: docx)"),
    ("build: [", ".docsplane.yaml is not valid YAML"),
])
def test_invalid_configurations_name_the_key(tmp_path, text, message):
    with pytest.raises(ConfigError) as error:
        read_config(checkout(tmp_path, {".docsplane.yaml": text, "docs/conf.py": ""}))
    assert message in str(error.value)
