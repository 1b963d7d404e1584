"""No request makes the docs host or the dashboard answer 500: random paths, escapes, hosts and methods."""

from __future__ import annotations

import random
from urllib.parse import urlsplit

from docs_support import publish, raw_request

PIECES = ["es", "latest", "v1", "_", "downloads", "projects", "plugin", "index.html", "..", ".", "%2e", "%252e", "%00",
          "%0d%0a", "%ff", "%C3%A9", "\\", "%5c", "*", ":splat", "$rest", "a" * 300, "?x=1", "#f", ";p", "%", "%zz", "~", ""]
HOSTS = ["test-project.docs.localhost", "TEST-PROJECT.docs.localhost:1", "docs.localhost", "x..docs.localhost",
         "test-project.docs.localhost.", "[::1]", "", "test_project.docs.localhost", "-.docs.localhost"]


def test_random_requests_never_answer_500(live_server, alice, project):
    publish(live_server, project, "latest", {"html/index.html": "home", "html/404.html": "ours"})
    port, rng = urlsplit(live_server.url).port, random.Random(16)
    for _ in range(400):
        path = "/" + "/".join(rng.choice(PIECES) for _ in range(rng.randint(0, 5)))
        if rng.random() < 0.3:
            path = "/projects/test-project" + path
        host, method = rng.choice(HOSTS), rng.choice(["GET", "GET", "HEAD", "POST", "OPTIONS"])
        status, _ = raw_request(port, method, host, path)
        assert status < 500, (method, host, path, status)
