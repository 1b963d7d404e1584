"""Start many calls at once (threads released together by a barrier), for the race tests of every layer."""

from __future__ import annotations

import threading


def run_concurrently(count: int, work, join_timeout: float = 120) -> list[tuple[str, object]]:
    """Runs work(i) for i in range(count) from `count` threads released together; returns, in order,
    ("ok", value) or ("error", exception) per thread (judged by the test)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", work(i))
        except BaseException as error:  # noqa: BLE001 - judged by the test, in its own thread
            results[i] = ("error", error)

    threads = [threading.Thread(target=run, args=(i,), name=f"racer-{i}") for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=join_timeout)
    assert not any(thread.is_alive() for thread in threads), "a racing call hung"
    return results


def simultaneously(count: int, call) -> list:
    """run_concurrently, raising the first error: the values in order."""
    results = run_concurrently(count, call, join_timeout=60)
    for status, value in results:
        if status == "error":
            raise value
    return [value for _, value in results]
