"""Replaying read models beside the live ones (projections/replay/rebuild.py): the swapped-in tables equal the
live read model, an interrupted replay resumes, readers only ever see a whole table, and the live
projector keeps working meanwhile."""

import multiprocessing
import sqlite3
import threading
import time
from contextlib import closing

import pytest

from integration_support import dump_tables, head, populate, positions, project_settings
from projections.replay import scratch as replay_scratch
from projections.registry import PROJECTIONS
from projections.replay.rebuild import PREFIX, Replay
from projections.replay.helper import HelperFailed


class Interrupted(Exception):
    pass


def replay_of(container, names=None, batch_size=5000) -> Replay:
    """As `docsplane replay` makes it: on PostgreSQL, the bulk phase in SQLite files of the data dir."""
    projections = [p.projection for p in container.projectors if names is None or p.name in names]
    return Replay(container.app.recorder, container.app.mapper, container.store, projections, batch_size,
                  scratch_dir=scratch_dir(container))


def scratch_dir(container):
    return container.settings.data_dir / "replay"


def interrupt_after(batches: int):
    """A progress callback that stops the replay once `batches` batches have committed."""
    seen = []

    def progress(position, total):
        seen.append(position)
        if len(seen) == batches:
            raise Interrupted(position)

    return progress


def schema_objects(container, kind: str) -> set[str]:
    """The names of the tables or indexes ('table', 'index') in the read store."""
    if container.store.dialect == "postgres":
        catalog, column = {"table": ("pg_tables", "tablename"), "index": ("pg_indexes", "indexname")}[kind]
        return {r["name"] for r in container.store.fetchall(
            f"SELECT {column} AS name FROM {catalog} WHERE schemaname = current_schema()")}
    return {r["name"] for r in container.store.fetchall("SELECT name FROM sqlite_master WHERE type = ?", (kind,))}


def replay_positions(container) -> dict[str, int]:
    return {r["name"]: r["position"] for r in container.store.fetchall("SELECT name, position FROM replay_positions")}


def test_a_replay_equals_the_live_read_model_and_can_run_again(docsplane):
    populate(docsplane)
    docsplane.catch_up()
    live, indexes = dump_tables(docsplane), schema_objects(docsplane, "index")

    applied = replay_of(docsplane, batch_size=7).run()

    assert applied["builds"] == 11 and applied["users"] == 3
    assert dump_tables(docsplane) == live
    assert schema_objects(docsplane, "index") == indexes  # the same names: a second replay's shadow must not collide
    assert not {t for t in schema_objects(docsplane, "table") if t.startswith(PREFIX)}
    assert replay_positions(docsplane) == {}
    assert not list(scratch_dir(docsplane).glob("*.sqlite3*"))  # PostgreSQL: the scratch files are gone once loaded

    replay_of(docsplane).run()  # after a swap, again (PostgreSQL names implicit indexes after the table)
    assert dump_tables(docsplane) == live and schema_objects(docsplane, "index") == indexes


def test_a_replay_of_one_projection_leaves_the_others_alone(docsplane):
    populate(docsplane)
    docsplane.catch_up()
    live = dump_tables(docsplane)
    with docsplane.store.transaction() as tx:  # damage two read models; replay one
        tx.execute("UPDATE versions SET verbose_name = 'garbage'")
        tx.execute("DELETE FROM builds")

    assert list(replay_of(docsplane, ["versions"]).run()) == ["versions"]

    after = dump_tables(docsplane)
    assert after["versions"] == live["versions"]
    assert after["builds"] == []


def test_an_interrupted_replay_resumes_where_it_stopped(docsplane):
    populate(docsplane)
    docsplane.catch_up()
    live = dump_tables(docsplane)

    with pytest.raises(Interrupted) as stopped:
        replay_of(docsplane, batch_size=5).run(interrupt_after(3))

    again = replay_of(docsplane, batch_size=5)
    again.open()
    kept = again.positions()  # PostgreSQL: in the scratch files
    assert set(kept.values()) == {stopped.value.args[0]} and 0 < stopped.value.args[0] < head(docsplane)
    assert dump_tables(docsplane) == live  # the live tables are untouched until the swap

    applied = again.run()
    assert {s.resumed_from for s in again.shadows} == set(kept.values())
    assert applied["users"] == 1  # the user and its first token came before the interruption, the last token after
    assert dump_tables(docsplane) == live


def test_a_half_replay_begun_by_other_ddl_starts_over(docsplane):
    populate(docsplane)
    docsplane.catch_up()
    live = dump_tables(docsplane)
    with pytest.raises(Interrupted):
        replay_of(docsplane, ["projects"], batch_size=1).run(interrupt_after(2))
    with docsplane.store.transaction() as tx:  # what an upgrade that changes the projection's DDL looks like
        tx.execute("UPDATE replay_positions SET fingerprint = 'older code'")

    again = replay_of(docsplane, ["projects"], batch_size=5)
    again.run()

    assert again.shadows[0].resumed_from == 0
    assert dump_tables(docsplane) == live


def test_readers_see_the_whole_old_or_the_whole_new_table_during_a_replay(docsplane):
    populate(docsplane)
    docsplane.catch_up()
    old = reader_view(docsplane)
    for i in range(6):  # written after the live catch-up; the live projector is paused: only the replay sees them
        docsplane.projects.import_project("alice", project_settings(f"Later {i}"))
        docsplane.builds.trigger_build("alice", "alpha-docs")
    assert reader_view(docsplane) == old

    seen, errors, replaying = [], [], threading.Event()
    replaying.set()

    def read():
        while replaying.is_set():
            try:
                seen.append(reader_view(docsplane))
            except Exception as error:  # noqa: BLE001 - asserted below
                errors.append(error)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        replay_of(docsplane, batch_size=3).run(lambda position, total: time.sleep(0.01))
        time.sleep(0.2)
    finally:
        replaying.clear()
        for reader in readers:
            reader.join(timeout=60)

    new = reader_view(docsplane)
    assert errors == []
    assert new["projects"] == old["projects"] + 6 and new["builds"] == old["builds"] + 6
    for field in old:
        assert {view[field] for view in seen} <= {old[field], new[field]}, field
    assert any(view == old for view in seen) and any(view["projects"] == new["projects"] for view in seen)


def test_a_reader_holding_the_tables_finishes_before_the_swap_which_then_goes_through(docsplane):
    populate(docsplane)
    docsplane.catch_up()
    docsplane.projects.import_project("alice", project_settings("Later Docs"))  # only the replay will see it
    held, seen = threading.Event(), []

    def long_read():
        # PostgreSQL: holds the last of the projection's tables for longer than the swap's lock timeout,
        # then wants the first: a swap that queued for all of them without a timeout would deadlock with it.
        with docsplane.store.reading() as tx:
            seen.append(tx.execute("SELECT COUNT(*) AS n FROM subprojects").fetchone()["n"])
            held.set()
            time.sleep(1.0)
            seen.append(tx.execute("SELECT COUNT(*) AS n FROM projects").fetchone()["n"])

    reader = threading.Thread(target=long_read)
    reader.start()
    held.wait(timeout=30)
    replay_of(docsplane, ["projects"]).run()
    reader.join(timeout=30)

    assert seen == [0, 3]  # the old tables, whole
    assert docsplane.store.fetchone("SELECT COUNT(*) AS n FROM projects")["n"] == 4


def reader_view(container) -> dict:
    """What GETs answer: counts of projects, builds and versions as the ReadModel queries give them."""
    read_model = container.read_model
    return {
        "projects": read_model.projects_of("alice", {}, 100, 0).count,
        "builds": read_model.builds("alpha-docs", {}, 100, 0).count,
        "versions": len(read_model.active_versions(read_model.project("alpha-docs", "alice"), "alice")),
        "slugs": tuple(row["slug"] for row in container.store.fetchall("SELECT slug FROM projects ORDER BY slug")),
    }


def test_the_live_projector_keeps_working_during_a_replay(docsplane):
    populate(docsplane)
    docsplane.catch_up()
    errors, writing = [], threading.Event()
    writing.set()

    def project():
        try:
            while writing.is_set():
                docsplane.catch_up()
                time.sleep(0.005)
        except Exception as error:  # noqa: BLE001 - asserted below
            errors.append(error)

    def write():
        try:
            for i in range(8):
                docsplane.projects.import_project("alice", project_settings(f"During {i}"))
                docsplane.builds.trigger_build("alice", f"during-{i}")
                time.sleep(0.02)
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=project), threading.Thread(target=write)]
    for thread in threads:
        thread.start()
    try:
        replay_of(docsplane, batch_size=2).run(lambda position, total: time.sleep(0.01))
        threads[1].join(timeout=120)
    finally:
        writing.clear()
        for thread in threads:
            thread.join(timeout=120)
    assert errors == []

    docsplane.catch_up()
    followed = dump_tables(docsplane)
    slugs = {row["slug"] for row in followed["projects"]}
    assert {f"during-{i}" for i in range(8)} <= slugs  # writes made during the replay are in the swapped-in tables
    assert positions(docsplane) == {name: head(docsplane) for name in PROJECTIONS}
    replay_of(docsplane).run()
    assert dump_tables(docsplane) == followed


def test_text_that_copy_must_escape_and_nulls_replay_exactly(docsplane):
    """On PostgreSQL the bulk phase's rows reach the shadow tables through COPY's text format."""
    populate(docsplane)
    build = docsplane.builds.trigger_build("alice", "alpha-docs").value
    tricky = "tab\there\nnew line\r\nback\\slash \\N \\t é 😀"
    docsplane.builds.record_command("worker", build, f"echo '{tricky}'", tricky, 1)
    docsplane.builds.record_command("worker", build, "true", "", 0)  # an empty string is not NULL
    docsplane.builds.finish_build("worker", build, False, error=tricky)
    docsplane.catch_up()
    live = dump_tables(docsplane)
    assert {c["output"] for c in live["build_commands"]} >= {tricky, ""}
    assert {b["success"] for b in live["builds"]} >= {True, False, None}

    replay_of(docsplane).run()

    assert dump_tables(docsplane) == live


POSTGRES_ONLY = pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])  # SQLite: one process


def two_process_replay(container) -> Replay:
    """As `docsplane replay` runs a long log: the audit's bulk phase in a helper process (here whatever the length)."""
    replay = container.replay([p.projection for p in container.projectors], batch_size=7)
    replay.helper_from = 0
    return replay


def helped_while_running(replay):
    """A progress callback that notes which projections the helper process replays."""
    helped = []
    return helped, lambda position, total: helped.extend(s.name for s in replay.helped if s.name not in helped)


@POSTGRES_ONLY
def test_a_replay_in_two_processes_equals_the_live_read_model(docsplane):
    populate(docsplane)
    docsplane.catch_up()
    live, indexes = dump_tables(docsplane), schema_objects(docsplane, "index")
    in_one_process = replay_of(docsplane).run()
    replay = two_process_replay(docsplane)
    helped, progress = helped_while_running(replay)

    applied = replay.run(progress)

    assert helped == ["audit"] and applied == in_one_process
    assert dump_tables(docsplane) == live and schema_objects(docsplane, "index") == indexes
    assert replay_positions(docsplane) == {} and not list(scratch_dir(docsplane).glob("*.sqlite3*"))
    assert multiprocessing.active_children() == []


def failing_sources():
    raise RuntimeError("the helper's event store is unreachable")


@POSTGRES_ONLY
def test_a_failing_helper_process_fails_the_replay_and_a_second_run_goes_through(docsplane):
    populate(docsplane)
    docsplane.catch_up()
    live = dump_tables(docsplane)
    replay = two_process_replay(docsplane)
    replay.sources = failing_sources

    with pytest.raises(HelperFailed, match="the helper's event store is unreachable"):
        replay.run()

    assert multiprocessing.active_children() == []
    assert dump_tables(docsplane) == live  # nothing swapped
    two_process_replay(docsplane).run()
    assert dump_tables(docsplane) == live


@POSTGRES_ONLY
def test_an_interrupted_two_process_replay_stops_its_helper_and_resumes(docsplane):
    populate(docsplane)
    docsplane.catch_up()
    live = dump_tables(docsplane)

    def interrupt_once_the_helper_committed(position, total):
        deadline = time.monotonic() + 60
        while scratch_position(docsplane, "audit") == 0:
            assert time.monotonic() < deadline, "the helper made no progress"
            time.sleep(0.01)
        raise Interrupted(position)

    with pytest.raises(Interrupted):
        two_process_replay(docsplane).run(interrupt_once_the_helper_committed)

    assert multiprocessing.active_children() == []  # terminated, not left running
    again = two_process_replay(docsplane)
    again.open()
    assert 0 < min(again.positions().values())  # both processes' scratch files kept their committed batches
    again.run()
    assert dump_tables(docsplane) == live


def scratch_position(container, name: str) -> int:
    """The position committed in a projection's scratch file (0: none yet), read-only."""
    path = scratch_dir(container) / f"{name}.sqlite3"
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60)) as scratch:
            row = scratch.execute("SELECT position FROM scratch_position").fetchone()
    except sqlite3.OperationalError:  # not made yet
        return 0
    return row[0] if row else 0


@POSTGRES_ONLY
@pytest.mark.parametrize("damage", ["written in another boot", "malformed"])
def test_a_scratch_file_the_os_may_have_lost_writes_of_is_started_over(docsplane, damage, tmp_path, monkeypatch):
    """Scratch commits are not flushed to the disk: only a crash of the OS can lose them, so a scratch
    of another boot (or a malformed one) is never resumed."""
    populate(docsplane)
    docsplane.catch_up()
    live = dump_tables(docsplane)
    with pytest.raises(Interrupted):
        replay_of(docsplane, ["builds"], batch_size=5).run(interrupt_after(2))
    path = scratch_dir(docsplane) / "builds.sqlite3"
    assert scratch_position(docsplane, "builds") > 0
    if damage == "malformed":
        with closing(sqlite3.connect(path)) as scratch:
            scratch.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every committed batch in the file, none in the WAL
        path.write_bytes(b"not a database" * 512)
    else:  # what the next boot of the OS looks like
        (tmp_path / "boot_id").write_text("another-boot\n")
        monkeypatch.setattr(replay_scratch, "BOOT_ID", tmp_path / "boot_id")

    again = replay_of(docsplane, ["builds"], batch_size=5)
    again.run()

    assert again.shadows[0].resumed_from == 0
    assert dump_tables(docsplane)["builds"] == live["builds"]
