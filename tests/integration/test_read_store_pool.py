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
