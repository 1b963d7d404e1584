"""Profile one request in-process (pyinstrument), the way the API serves it, on a fresh PostgreSQL
database: where a request's time goes, before optimising.

    python -m bench.profile get|trigger [--requests N]
    SHOW_ALL=1 python -m bench.profile ...   # the libraries' frames too, not only ours

Needs the `bench` extra (pyinstrument). The projector runs as a thread of this process, so a
trigger's read-your-writes wait is woken at once (under gunicorn it waits for the projector's poll)."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from bench.support import fresh_database, in_process, service_env


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n")[0])
    parser.add_argument("request", choices=["get", "trigger"])
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args(argv)
    from pyinstrument import Profiler

    from api.app import create_app
    from workers.following.background import projector_loop

    with fresh_database("profile") as dbname:
        docsplane = in_process(service_env(dbname, Path(tempfile.mkdtemp())))
        loop = projector_loop(docsplane)
        docsplane.app.listeners.append(lambda recordings: loop.wake.set())
        thread = loop.start_thread()
        try:
            token = docsplane.users.create_user("bench").value
            docsplane.catch_up()
            client = create_app(docsplane).test_client()
            auth = {"Authorization": f"Token {token}"}
            created = client.post("/api/v3/projects/", headers=auth,
                                  json={"name": "bench-project", "repository": {"url": "https://github.com/example/bench"}})
            assert created.status_code in (201, 202), created.get_data(as_text=True)
            url = "/api/v3/projects/bench-project/" + ("builds/" if args.request == "trigger" else "")
            send = (lambda: client.post(url, headers=auth, json={})) if args.request == "trigger" else (
                lambda: client.get(url, headers=auth))
            for _ in range(20):
                send()
            with Profiler(interval=0.0005) as profiler:
                for _ in range(args.requests):
                    response = send()
                    assert response.status_code in (200, 201, 202), response.get_data(as_text=True)
            print(profiler.output_text(unicode=True, show_all=bool(os.environ.get("SHOW_ALL")), color=False))
        finally:
            loop.request_stop()
            thread.join(timeout=10)
            docsplane.close()


if __name__ == "__main__":
    main()
