"""Processes of one deployment start together (gunicorn workers, the projector): opening the event
store at the same moment must not fail on the library's table setup."""

import threading

import pytest

from docsplane.bootstrap import open_application


@pytest.mark.postgres
def test_simultaneous_starts_on_existing_tables_all_succeed(make_settings):
    settings = make_settings("postgres")
    open_application(settings).close()  # tables exist, as on every restart
    errors = []

    def start(barrier):
        try:
            barrier.wait()
            open_application(settings).close()
        except Exception as error:  # noqa: BLE001 - the assertion reports it
            errors.append(repr(error))

    for _ in range(5):
        barrier = threading.Barrier(8)
        threads = [threading.Thread(target=start, args=(barrier,)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
