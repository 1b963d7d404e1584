"""The reliability figures a passing run records are written between the markers of the docs' reliability
page, and only there."""

import shutil

import reliability_figures


def test_the_reliability_page_has_the_markers_the_suite_writes_between():
    text = reliability_figures.PAGE.read_text(encoding="utf-8")
    assert text.count(reliability_figures.BEGIN) == 1 and text.count(reliability_figures.END) == 1


def test_a_run_rewrites_only_the_section_between_the_markers(tmp_path, monkeypatch):
    page = tmp_path / "reliability.md"
    shutil.copy(reliability_figures.PAGE, page)
    before, _, after = page.read_text(encoding="utf-8").partition(reliability_figures.BEGIN)
    after = after.split(reliability_figures.END, 1)[1]
    # Figures of their own, so the run's real ones are neither changed nor joined by this one.
    monkeypatch.setattr(reliability_figures, "_figures", {"A figure of this test": {"tries": 3}})

    reliability_figures.write_page(page)

    text = page.read_text(encoding="utf-8")
    assert text.startswith(before) and text.endswith(reliability_figures.END + after)
    assert "| A figure of this test | tries 3 |" in text
