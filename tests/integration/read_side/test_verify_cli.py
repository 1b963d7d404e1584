"""The real `docsplane verify`: every read model compared with a replay of the event log into scratch
tables. Equal: exit 0; a live row tampered with, added or removed: exit 1, naming the table and row.
The live tables are only read (compared before and after), and a projector may run meanwhile."""

import os
import subprocess
import sys

import pytest

from docsplane.bootstrap import build
from integration_support import dump_tables, populate


def verify(settings, *args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCSPLANE_", "POSTGRES_", "PERSISTENCE_", "SQLITE_"))}
    env.update(settings.as_environ())
    return subprocess.run([sys.executable, "-m", "docsplane.cli", "verify", *args], env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def populated(docsplane):
    populate(docsplane)
    docsplane.catch_up()
    return docsplane


def test_read_models_that_follow_the_log_verify_clean_and_are_only_read(populated):
    before = dump_tables(populated)
    done = verify(populated.settings)
    assert done.returncode == 0, done.stdout + done.stderr
    names = [line.split(":")[0] for line in done.stdout.splitlines()]
    assert names == [p.name for p in populated.projectors]
    assert all("equal to a replay" in line for line in done.stdout.splitlines())
    assert "verify " in done.stderr  # the progress
    assert dump_tables(populated) == before
    assert not [p for p in populated.settings.data_dir.iterdir() if p.name.startswith(".verify-")]  # scratch removed


def test_a_tampered_row_is_named_and_fails(populated):
    with populated.store.transaction() as tx:
        tx.execute("UPDATE projects SET name = 'Tampered' WHERE slug = 'alpha-docs'")
    done = verify(populated.settings)
    assert done.returncode == 1
    projects = next(line for line in done.stdout.splitlines() if line.startswith("projects:"))
    assert "differs from a replay in 1 row " in projects
    shown = done.stdout[done.stdout.index(projects):]
    assert "projects {'aggregate_id': " in shown and "'Tampered'" in shown and "'Alpha Docs'" in shown
    assert "projects differ from the event log" in done.stderr


def test_a_missing_and_an_extra_row_are_named(populated):
    with populated.store.transaction() as tx:
        tx.execute("DELETE FROM redirects WHERE from_url = '/a.html'")
        tx.execute("INSERT INTO users (aggregate_id, username, created) VALUES ('x', 'mallory', 'then')")
    done = verify(populated.settings, "--projection", "users")
    assert done.returncode == 1
    assert "users {'aggregate_id': 'x'}: live {" in done.stdout and "!= rebuilt None" in done.stdout
    assert "redirects" not in done.stdout  # only the projection asked for
    done = verify(populated.settings, "--projection", "redirects")
    assert done.returncode == 1 and "live None != rebuilt {" in done.stdout


def test_verify_reads_while_the_projector_writes(populated):
    """At the snapshot's position, whatever the projector does next."""
    from workers.following.background import Background, projector_loop

    background = Background(populated)
    background.start(projector_loop(populated))
    try:
        for n in range(30):
            populated.users.create_user(f"user{n}")
        done = verify(populated.settings)
    finally:
        background.stop()
    assert done.returncode == 0, done.stdout + done.stderr


def test_tables_are_read_a_page_at_a_time(populated, monkeypatch, tmp_path):
    """Pages of 2 rows: every row is still compared once (none skipped or repeated at a page's edge)."""
    from projections.replay import verify as verifying

    monkeypatch.setattr(verifying, "PAGE", 2)
    projections = [p.projection for p in populated.projectors]
    check = verifying.Verify(populated.app.recorder, populated.app.mapper, populated.store, projections, tmp_path)
    outcomes = {outcome.name: outcome for outcome in check.run()}
    assert sum(outcome.count for outcome in outcomes.values()) == 0
    assert outcomes["audit"].rows == populated.store.fetchone("SELECT COUNT(*) AS n FROM audit_events")["n"] \
        + populated.store.fetchone("SELECT COUNT(*) AS n FROM audit_owners")["n"]
    with populated.store.transaction() as tx:
        tx.execute("DELETE FROM audit_events WHERE id = (SELECT MAX(id) FROM audit_events)")
    audit = next(p for p in projections if p.name == "audit")
    assert [d.rebuilt is not None and d.live is None for d in check.verify(audit).differences] == [True]
