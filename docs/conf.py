"""Sphinx configuration of docsplane's own documentation (built by docsplane itself, and by Read the Docs)."""

project = "docsplane"
author = "the docsplane developers"
copyright = "docsplane developers"

extensions = ["myst_parser"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
# Links between pages are written as Markdown links to the .md files; headings get anchors for them too.
myst_heading_anchors = 3

html_theme = "alabaster"
html_title = "docsplane"
