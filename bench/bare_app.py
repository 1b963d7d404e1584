"""The baseline of the GET figure: a bare Flask JSON route, served by the same gunicorn settings.
Its answer is about the size of a project detail."""

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


@app.get("/bare/")
def bare():
    return jsonify(PROJECT)
