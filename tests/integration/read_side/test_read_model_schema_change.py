"""A read-model schema change (new column, new index) drops the read models and the projectors
rebuild them from the event log: existing data directories keep working after an upgrade."""

from integration_support import dump_tables, project_settings

from projections.following import schema


def test_changed_definitions_rebuild_the_read_models(docsplane, monkeypatch):
    docsplane.projects.import_project("alice", project_settings("Sample Docs"))
    docsplane.catch_up()
    before = dump_tables(docsplane)
    assert before["projects"]

    schema.create_tables(docsplane.store)  # same definitions: nothing is dropped
    assert dump_tables(docsplane) == before

    monkeypatch.setattr(schema, "TABLES", [*schema.TABLES, "CREATE TABLE IF NOT EXISTS upgrade_marker (a TEXT)"])
    schema.create_tables(docsplane.store)
    assert docsplane.store.fetchall("SELECT * FROM projects") == []
    assert docsplane.store.fetchall("SELECT * FROM projection_positions") == []

    docsplane.catch_up()
    assert dump_tables(docsplane) == before
