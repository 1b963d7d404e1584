"""The baselines served by the same gunicorn settings as the API: a bare Flask JSON route (the GET
figure's baseline; its answer is about the size of a project detail), and the trigger figure's
ceilings: a bare POST route, and a bare POST route that does nothing but the bare
`Application.save` of a new Build (the event store named by the environment, as bench.trigger's
savers use it). A trigger over HTTP does at least what the last one does."""

import itertools
import os
import threading
import uuid

from flask import Flask, jsonify

app = Flask("bare")
PROJECT = {
    "id": 1, "name": "bench-project", "slug": "bench-project", "language": {"code": "en", "name": "English"},
    "programming_language": {"code": "words", "name": "Only Words"}, "repository": {"url": "https://github.com/example/bench", "type": "git"},
    "default_version": "latest", "default_branch": None, "subproject_of": None, "translation_of": None,
    "privacy_level": {"code": "public", "name": "Public"}, "tags": [], "users": [{"username": "bench"}],
    "created": "2026-11-23T10:21:21+00:00", "modified": "2026-11-23T10:21:21+00:00",
    "urls": {"documentation": "http://bench-project.docs.localhost/en/latest/", "home": "", "builds": "", "versions": ""},
    "_links": {"_self": "", "versions": "", "builds": "", "subprojects": "", "superproject": "", "translations": ""},
}
_store, _store_lock = [], threading.Lock()
_numbers = itertools.count(os.getpid() * 1_000_000)  # unique across the workers (build ids come from numbers)
PROJECT_ID, VERSION_ID = uuid.uuid4(), uuid.uuid4()


def _application():
    """One bare application per worker, made on first use (after gunicorn's fork)."""
    if not _store:
        with _store_lock:
            if not _store:
                from commands.handling.application import DocsplaneApplication

                _store.append(DocsplaneApplication(env=dict(os.environ)))
    return _store[0]


@app.get("/bare/")
def bare():
    return jsonify(PROJECT)


@app.post("/bare/")
def bare_post():
    return jsonify(PROJECT), 201


@app.post("/bare/save/")
def bare_save():
    from domain.build import Build

    build = Build(number=next(_numbers), project_id=PROJECT_ID, project_slug="bench", version_id=VERSION_ID,
                  version_slug="latest", actor="bench")
    _application().save(build)
    return jsonify({"number": build.number}), 201
