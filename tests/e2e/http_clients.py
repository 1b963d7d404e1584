"""HTTP clients in other processes, for the concurrency proofs (test_concurrency_at_scale.py).

`run_clients(job)` runs in a client process (multiprocessing, spawn): `job` is
`(url, start_at, calls)`, each call `(kind, args)` run by a thread of its own; every thread waits
for the wall-clock `start_at`, so the clients of all processes start together. It returns one result
per call (dicts of plain values: they travel back by pickle). Kinds:
- `"post"`: `(path, token, json_body, request_id)` -> one POST; status, request id, Location, body.
- `"flip"`: `(path, token, attempts, request_id_prefix)` -> GET the version, PATCH `hidden` to the
  opposite with `If-Match: <its ETag>`, again after a 412 (up to `attempts`); every attempt's result.
"""

from __future__ import annotations

import random
import threading
import time

import requests

TIMEOUT = 60
MAX_BACKOFF = 0.5  # seconds


def run_clients(job) -> list:
    url, start_at, calls = job
    results: list = [None] * len(calls)

    def run(i: int, kind: str, args: tuple) -> None:
        session = requests.Session()
        try:
            time.sleep(max(0.0, start_at - time.time()))
            results[i] = KINDS[kind](session, url, *args)
        except Exception as error:  # reported to the test, which fails on it
            results[i] = {"error": f"{type(error).__name__}: {error}"}
        finally:
            session.close()

    threads = [threading.Thread(target=run, args=(i, kind, args)) for i, (kind, args) in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def ping(_=None) -> bool:
    """Makes a pool's processes start (and import this module) before the timed part."""
    return True


def _post(session, url: str, path: str, token: str, body, request_id: str) -> dict:
    response = session.post(url + path, json=body, timeout=TIMEOUT,
                            headers={"Authorization": f"Token {token}", "X-Request-Id": request_id})
    return _result(response, request_id)


def _flip(session, url: str, path: str, token: str, attempts: int, prefix: str) -> list[dict]:
    auth = {"Authorization": f"Token {token}"}
    tries = []
    for attempt in range(attempts):
        current = session.get(url + path, headers=auth, timeout=TIMEOUT)
        if current.status_code != 200:
            tries.append({"status": current.status_code, "text": current.text[:300], "request_id": None})
            break
        request_id = f"{prefix}-{attempt}"
        etag = current.headers["ETag"]
        hidden = not current.json()["hidden"]
        response = session.patch(url + path, json={"hidden": hidden}, timeout=TIMEOUT,
                                 headers={**auth, "If-Match": etag, "X-Request-Id": request_id})
        tries.append({**_result(response, request_id), "if_match": etag, "hidden": hidden})
        if response.status_code != 412:
            break
        # Jittered back-off: the losers of one round do not all meet again in the next.
        time.sleep(random.uniform(0, min(MAX_BACKOFF, 0.005 * 2**attempt)))
    return tries


def _result(response, request_id: str) -> dict:
    try:
        body = response.json() if response.content else None
    except ValueError:
        body = None
    return {"status": response.status_code, "request_id": request_id, "location": response.headers.get("Location"),
            "body": body, "text": response.text[:300]}


KINDS = {"post": _post, "flip": _flip}
