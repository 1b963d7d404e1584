"""What a build's output holds for the artifact store, and which formats its configuration promised."""

import os

from workers.builds.publish import formats_present, formats_promised


def config(formats=(), commands=(), tool="sphinx") -> dict:
    return {"build": {"commands": list(commands)}, "formats": list(formats),
            "sphinx": {} if tool == "sphinx" else None, "mkdocs": {} if tool == "mkdocs" else None}


def test_the_builders_own_sphinx_steps_promise_html_and_each_format():
    assert formats_promised(config(["htmlzip", "pdf"])) == ["html", "htmlzip", "pdf"]


def test_build_commands_and_mkdocs_promise_nothing():
    assert formats_promised(config(["epub"], commands=["make html"])) == []
    assert formats_promised(config(tool="mkdocs")) == []


def test_formats_present_are_real_files_under_their_names(tmp_path):
    (tmp_path / "html").mkdir()
    (tmp_path / "epub").mkdir()
    (tmp_path / "epub" / "proj.epub").write_bytes(b"x")
    (tmp_path / "htmlzip").mkdir()
    (tmp_path / "htmlzip" / "other-name.zip").write_bytes(b"x")  # not <project>.zip
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "proj.pdf").write_bytes(b"x")
    os.symlink(tmp_path / "elsewhere", tmp_path / "pdf")  # a linked directory is skipped by the store
    assert formats_present(tmp_path, "proj") == ["html", "epub"]
    assert formats_present(tmp_path / "missing", "proj") == []
