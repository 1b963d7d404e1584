"""The PostgreSQL read store's pool: connections are kept and reused, and a failed transaction
leaves nothing behind for the next user of its connection."""

import threading
import time

import pytest

pytestmark = pytest.mark.postgres


@pytest.fixture
def store(make_settings):
    from projections.store import ReadStore

    store = ReadStore.from_url(make_settings("postgres").read_db_url, pool_size=4)
    yield store
    store.close()


def test_concurrent_reads_reuse_the_pooled_connections(store):
    backends, errors = set(), []

    def read_many():
        try:
            for n in range(20):  # reads that overlap now and then, as requests do: the demand rises and falls
                backends.add(store.fetchone("SELECT pg_backend_pid() AS pid, pg_sleep(0.005)")["pid"])
                with store.reading() as tx:
                    backends.add(tx.execute("SELECT pg_backend_pid() AS pid, pg_sleep(0.005)").fetchone()["pid"])
                time.sleep(0.001 * (n % 5))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=read_many) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert 1 <= len(backends) <= 3  # one PostgreSQL backend per thread at most: none closed and reopened


def test_a_failed_transaction_rolls_back_and_its_connection_serves_the_next(store):
    with store.transaction() as tx:
        tx.execute("CREATE TABLE IF NOT EXISTS pool_probe (n INTEGER)")
    with pytest.raises(RuntimeError):
        with store.transaction() as tx:
            tx.execute("INSERT INTO pool_probe (n) VALUES (?)", (1,))
            raise RuntimeError("the command failed")
    with pytest.raises(Exception, match="no_such_table"):
        with store.transaction() as tx:
            tx.execute("INSERT INTO pool_probe (n) VALUES (?)", (2,))
            tx.execute("SELECT * FROM no_such_table")
    with store.transaction() as tx:
        tx.execute("INSERT INTO pool_probe (n) VALUES (?)", (3,))
    assert store.fetchall("SELECT n FROM pool_probe ORDER BY n") == [{"n": 3}]
    with store.reading() as tx:
        assert tx.execute("SELECT COUNT(*) AS n FROM pool_probe").fetchone()["n"] == 1


def test_single_reads_run_outside_any_transaction_and_reads_inside_one(store):
    # now() is the transaction's start: equal twice inside one transaction, never outside one.
    with store.reading() as tx:
        first = tx.execute("SELECT now() AS t, pg_sleep(0.01)").fetchone()["t"]
        assert tx.execute("SELECT now() AS t").fetchone()["t"] == first
    assert store.fetchone("SELECT now() AS t")["t"] != store.fetchone("SELECT now() AS t")["t"]


def test_a_copy_first_in_a_transaction_is_inside_it(store):
    import io

    with store.transaction() as tx:
        tx.execute("CREATE TABLE IF NOT EXISTS copy_probe (n INTEGER)")
    with pytest.raises(RuntimeError):
        with store.transaction() as tx:
            tx._cursor.copy_expert("COPY copy_probe (n) FROM STDIN", io.StringIO("1\n2\n"))
            raise RuntimeError("the load failed")
    assert store.fetchall("SELECT n FROM copy_probe") == []


def test_a_prepared_read_is_planned_once_per_connection_and_survives_a_table_swap(store):
    """fetchall_prepared: PREPARE once per pooled connection, then EXECUTE; a table replaced under it
    with other columns (as a replay's swap may do) is re-prepared, not an error."""
    with store.transaction() as tx:
        tx.execute("CREATE TABLE gadgets (slug TEXT PRIMARY KEY, size INTEGER)")
        tx.execute("INSERT INTO gadgets VALUES (?, ?), (?, ?)", ("a", 1, "b", 2))
    select = "SELECT * FROM gadgets WHERE slug = ? OR size > ? ORDER BY slug"

    assert store.fetchall_prepared(select, ("a", 1)) == [{"slug": "a", "size": 1}, {"slug": "b", "size": 2}]
    assert store.fetchall_prepared(select, ("a", 5)) == [{"slug": "a", "size": 1}]
    prepared = store.fetchall("SELECT statement FROM pg_prepared_statements")
    assert [row["statement"] for row in prepared] == ["PREPARE docsplane_0 AS SELECT * FROM gadgets WHERE slug = $1 OR size > $2 ORDER BY slug"]

    with store.transaction() as tx:  # a replay's swap: drop, rename the new table in, with another column
        tx.execute("CREATE TABLE gadgets_new (slug TEXT PRIMARY KEY, size INTEGER, colour TEXT)")
        tx.execute("INSERT INTO gadgets_new VALUES (?, ?, ?)", ("c", 9, "red"))
        tx.execute("DROP TABLE gadgets")
        tx.execute("ALTER TABLE gadgets_new RENAME TO gadgets")

    assert store.fetchall_prepared(select, ("a", 5)) == [{"slug": "c", "size": 9, "colour": "red"}]
