"""The README stays a newcomer's page (what docsplane is, the two commands, a tour, where to read on)
and every page it points to exists; the rest lives in the Sphinx site in docs/."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_is_short_and_tells_the_two_commands():
    assert len(README) <= 15_000, f"README.md has {len(README):,} characters: move details into docs/"
    assert "scripts/serve.sh    # 1." in README and "scripts/test.sh     # 2." in README


def test_every_local_link_of_the_readme_exists():
    # Not the seeds (../shared/seeds/): they lie beside the checkout, where CI puts them.
    links = [target for target in re.findall(r"\]\(([^)#]+)\)", README) if "://" not in target and not target.startswith("../")]
    assert any(link.startswith("docs/") for link in links)
    for link in links:
        assert (ROOT / link).exists(), f"README.md links to {link}, which is not in the repository"


def test_read_the_docs_builds_the_sphinx_site_failing_on_warnings():
    import yaml

    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text())
    assert config["version"] == 2 and config["build"]["os"] and config["build"]["tools"]["python"]
    assert config["sphinx"] == {"configuration": "docs/conf.py", "fail_on_warning": True}
    assert (ROOT / config["sphinx"]["configuration"]).is_file()
