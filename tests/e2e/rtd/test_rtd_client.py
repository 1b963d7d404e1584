"""An unmodified third-party client of the Read the Docs v3 API, pointed at docsplane: `rtd-redirects`
(PyPI anyscale-rtd-redirects) manages a project's redirects end to end (create, list, change, reorder,
delete) from a YAML file, and finds no drift between the file and what docsplane answers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from e2e_support import assert_json

CLI = Path(sys.executable).with_name("rtd-redirects")
pytestmark = pytest.mark.skipif(not CLI.exists() and not os.environ.get("CI"), reason="pip install anyscale-rtd-redirects")

FIRST = """schema_version: 1
redirects:
  - from: /en/releases-1.0/*
    to:   /en/latest/:splat
    type: exact
  - from: /old.html
    to:   /new.html
    type: page
    description: moved in 2.0
  - from: /guide.html
    to:   https://example.com/guide
    type: page
    status: 302
  - type: html_to_clean_url
"""
# /old.html's target changes, /guide.html goes, the clean-URL rule moves first, a new rule comes in.
SECOND = """schema_version: 1
redirects:
  - type: html_to_clean_url
  - from: /en/releases-1.0/*
    to:   /en/latest/:splat
    type: exact
  - from: /old.html
    to:   /newer.html
    type: page
    force: true
  - from: /api/v1/*
    to:   /api/v2/:splat
    type: page
"""


def rtd_redirects(live, token: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RTD_API_TOKEN": token, "RTD_BASE_URL": f"{live.url}/api/v3", "RTD_PROJECT_SLUG": "test-project"}
    return subprocess.run([str(CLI), *args], env=env, capture_output=True, text=True, timeout=120)


def served(live, token: str) -> list[tuple]:
    page = assert_json(live.get("/api/v3/projects/test-project/redirects/?limit=100", token), 200)
    return [(r["position"], r["type"], r["from_url"], r["to_url"], r["http_status"], r["force"]) for r in page["results"]]


def test_rtd_redirects_manages_redirects_end_to_end(live_server, alice, project, tmp_path):
    assert shutil.which(str(CLI)), "the rtd-redirects CLI is installed with the test extras"
    file = tmp_path / "redirects.yaml"
    for text, expected in (
        (FIRST, [(0, "exact", "/en/releases-1.0/*", "/en/latest/:splat", 301, False),
                 (1, "page", "/old.html", "/new.html", 301, False),
                 (2, "page", "/guide.html", "https://example.com/guide", 302, False),
                 (3, "html_to_clean_url", None, None, 301, False)]),
        (SECOND, [(0, "html_to_clean_url", None, None, 301, False),
                  (1, "exact", "/en/releases-1.0/*", "/en/latest/:splat", 301, False),
                  (2, "page", "/old.html", "/newer.html", 301, True),
                  (3, "page", "/api/v1/*", "/api/v2/:splat", 301, False)]),
        ("schema_version: 1\nredirects: []\n", []),
    ):
        file.write_text(text)
        applied = rtd_redirects(live_server, alice, "apply", "--file", str(file), "--yes")
        assert applied.returncode == 0, applied.stdout + applied.stderr
        assert served(live_server, alice) == expected
        audit = rtd_redirects(live_server, alice, "audit", "--file", str(file))
        assert audit.returncode == 0, audit.stdout + audit.stderr  # no drift between the file and docsplane

    listed = rtd_redirects(live_server, alice, "list")
    assert listed.returncode == 0, listed.stderr


def test_rtd_redirects_is_refused_without_a_valid_token(live_server, project):
    listed = rtd_redirects(live_server, "not-a-token", "list")
    assert listed.returncode != 0 and "Authentication failed" in listed.stdout + listed.stderr
