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


PRODUCT = ("domain", "commands", "projections", "api", "workers", "docshost", "artifacts", "docsplane")


def _packages() -> list[Path]:
    return sorted(init.parent for top in PRODUCT for init in (ROOT / top).rglob("__init__.py"))


def test_every_package_says_what_it_holds_and_the_architecture_page_shows_where_it_lives():
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    tree = page.split("## Where things live", 1)[1].split("```")[1]
    named = set(re.findall(r"([a-z_]+)/", tree))
    for package in _packages():
        assert package.name in named, f"{package.relative_to(ROOT)}/ is missing from the tree in docs/architecture.md"
        assert (package / "__init__.py").read_text().startswith('"""'), f"{package.relative_to(ROOT)} has no docstring"


def test_no_folder_of_ours_holds_more_than_twenty_modules_nor_a_product_file_more_than_330_lines():
    for package in _packages():
        modules = list(package.glob("*.py"))
        assert len(modules) <= 20, f"{package.relative_to(ROOT)}/ holds {len(modules)} modules: group them"
        for module in modules:
            lines = module.read_text().count("\n")
            assert lines <= 330, f"{module.relative_to(ROOT)} has {lines} lines: split it by idea"
