"""Hostile input over real HTTP, on both backends: oversized and oddly framed bodies, JSON that is
deep, huge or not quite JSON, wrong types in every field of every write, text the stores cannot hold,
unicode names and slugs, redirect URLs that try to leave the project's documentation, and header
injection. Every answer is a JSON error with a message (never a 5xx, never HTML), and nothing changes:
not the project's views, not the event log."""

from __future__ import annotations

import json
import socket
import time

import pytest
from e2e_support import assert_error, assert_json, nothing_changes, project_body, resolve

PROJECTS = "/api/v3/projects/"
BASE = "/api/v3/projects/test-project"
AGENT = "hostile/1.0"
INJECTED = "X-Injected"


class Tally:
    """Inputs sent by a test, and the 5xx among them (asserted 0 before anything is recorded)."""

    def __init__(self):
        self.inputs = 0
        self.server_errors = 0

    def seen(self, status: int) -> int:
        self.inputs += 1
        self.server_errors += status >= 500
        return status

    def record(self, reliability, title: str) -> None:
        assert self.server_errors == 0
        reliability.record(title, inputs_tried=self.inputs, server_errors=self.server_errors)


@pytest.fixture
def tally():
    return Tally()


def sent(tally, response):
    tally.seen(response.status_code)
    return response


class RawAnswer:
    def __init__(self, data: bytes):
        head, _, self.body = data.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        self.status_code = int(status_line.split()[1])
        self.header_lines = lines
        self.headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}

    def json(self):
        assert self.headers.get("content-type", "").startswith("application/json"), (self.headers, self.body[:200])
        return json.loads(self.body)


def raw(live, request: bytes) -> RawAnswer:
    """Send bytes as they are (requests refuses CR/LF in headers and always frames bodies honestly);
    read the answer until the server closes the connection."""
    host, port = live.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        try:
            connection.sendall(request)
        except (BrokenPipeError, ConnectionResetError):  # it answered and closed before taking it all
            pass
        data = b""
        while True:
            try:
                chunk = connection.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
    return RawAnswer(data)


def request_bytes(method: str, path: str, token: str | None, headers: dict[str, bytes | str] | None = None,
                  body: bytes = b"", length: int | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: 127.0.0.1", b"Connection: close"]
    defaults = {"User-Agent": AGENT, "Content-Type": "application/json"}
    if token:
        defaults["Authorization"] = f"Token {token}"
    for name, value in {**defaults, **(headers or {})}.items():
        lines.append(name.encode() + b": " + (value if isinstance(value, bytes) else value.encode()))
    if length is not None:
        lines.append(b"Content-Length: %d" % length)
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def raw_error(tally, answer: RawAnswer, status: int) -> dict:
    tally.seen(answer.status_code)
    assert answer.status_code == status, (answer.status_code, answer.body[:300])
    body = answer.json()
    assert isinstance(body.get("message"), str) and body["message"], body
    return body


# Bodies ---------------------------------------------------------------------------------------------

def test_bodies_over_the_limit_are_413_however_they_are_framed(live_server, alice, project, tally, reliability):
    limit = live_server.docsplane.settings.max_body_bytes
    big = json.dumps({"name": "Too Big", "pad": "x" * limit}).encode()
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in (big[i:i + 65536] for i in range(0, len(big), 65536)))
    with nothing_changes(live_server, alice, project):
        for method, path in (("POST", PROJECTS), ("PATCH", f"{BASE}/"), ("POST", f"{BASE}/redirects/")):
            # Honest: the Content-Length says too much.
            assert_error(sent(tally, live_server.request(method, path, alice, data=big)), 413)
            # Lying: it claims more than the limit and sends little; refused at once, not waited for.
            started = time.monotonic()
            answer = raw(live_server, request_bytes(method, path, alice, body=b"{}", length=limit * 5))
            assert "too large" in raw_error(tally, answer, 413)["message"].lower()
            assert time.monotonic() - started < 5
            # Chunked: no Content-Length at all, the body just keeps coming.
            answer = raw(live_server, request_bytes(method, path, alice, {"Transfer-Encoding": "chunked"},
                                                    body=chunked + b"0\r\n\r\n"))
            raw_error(tally, answer, 413)
            # Lying the other way: only what Content-Length announces is the body; the rest is not run.
            answer = raw(live_server, request_bytes(method, path, alice, body=big, length=10))
            assert raw_error(tally, answer, 400) == {"message": "Problems parsing JSON"}
        # Whatever the method: a body is a body.
        for method, path in (("GET", f"{BASE}/"), ("DELETE", f"{BASE}/"), ("DELETE", f"{BASE}/redirects/1/")):
            assert_error(sent(tally, live_server.request(method, path, alice, data=big)), 413)
        # No Content-Length and no chunking: there is no body (the bytes after are no request either).
        answer = raw(live_server, request_bytes("POST", PROJECTS, alice, body=json.dumps(project_body("Sneaky")).encode()))
        assert raw_error(tally, answer, 422)["errors"][0]["code"] == "missing_field"
    # A chunked body within the limit is an ordinary body.
    answer = raw(live_server, request_bytes("POST", f"{BASE}/builds/", alice, {"Transfer-Encoding": "chunked"},
                                            body=b"2\r\n{}\r\n0\r\n\r\n"))
    assert tally.seen(answer.status_code) == 201 and answer.json()["build"]["project"] == project
    tally.record(reliability, "Hostile input: bodies over the limit, however framed")


NOT_QUITE_JSON = [
    ("[" * 100_000, "Problems parsing JSON"),
    ('{"a":' * 100_000 + "1" + "}" * 100_000, "Problems parsing JSON"),
    ('{"name": 1' + "0" * 5000 + "}", "Problems parsing JSON"),  # past Python's 4300-digit limit
    ('{"name": NaN}', "Problems parsing JSON: NaN is not a JSON value"),
    ('{"name": "x", "language": Infinity}', "Problems parsing JSON: Infinity is not a JSON value"),
    ('{"name": -Infinity}', "Problems parsing JSON: -Infinity is not a JSON value"),
    ('{"name": "Mine", "name": "Theirs"}', 'Problems parsing JSON: duplicate key "name"'),
    ('{"repository": {"url": "https://a/b", "url": "https://c/d"}}', 'Problems parsing JSON: duplicate key "url"'),
    ("[" + "1, " * 300_000, "Problems parsing JSON"),  # near 1 MiB of commas, never closed
    ('{"name": "\\ud800"', "Problems parsing JSON"),
]


def test_deep_huge_and_not_quite_json_is_400_at_once(live_server, alice, project, tally, reliability):
    with nothing_changes(live_server, alice, project):
        for method, path in (("POST", PROJECTS), ("PATCH", f"{BASE}/"), ("POST", f"{BASE}/redirects/")):
            for text, message in NOT_QUITE_JSON:
                started = time.monotonic()
                response = sent(tally, live_server.request(method, path, alice, data=text.encode(),
                                                           headers={"Content-Type": "application/json"}))
                assert assert_error(response, 400) == {"message": message}, (method, path, text[:40])
                assert time.monotonic() - started < 5, (method, path, text[:40])
            # Numbers out of any range, where text is expected: a plain 422.
            response = sent(tally, live_server.request(method, path, alice, data=b'{"name": 1e999, "type": 1e999}',
                                                       headers={"Content-Type": "application/json"}))
            assert_error(response, 422)
    tally.record(reliability, "Hostile input: deep, huge and not-quite JSON")


# Wrong types: every field of every write, from the OpenAPI document -------------------------------

WRONG_VALUES = {
    "string": [123, 1.5, True, [], {}, ["x"]],
    "boolean": ["maybe", 2, [], {}, [True]],
    "array": ["x", 1, True, {}],
    "object": ["x", 1, True, []],
}



def _body_fields(spec, schema, prefix=""):
    """(dotted field, JSON type) of a request body schema, nested objects included."""
    for name, prop in resolve(spec, schema).get("properties", {}).items():
        prop = resolve(spec, prop)
        kind = prop.get("type", "object" if "properties" in prop else None)
        if prop.get("readOnly") or kind not in WRONG_VALUES:
            continue
        yield f"{prefix}{name}", kind
        if kind == "object":
            yield from _body_fields(spec, prop, f"{prefix}{name}.")


def _with(field: str, value) -> dict:
    body: dict = {}
    *parents, last = field.split(".")
    node = body
    for parent in parents:
        node = node.setdefault(parent, {})
    node[last] = value
    return body


def test_wrong_types_in_every_field_of_every_write_are_422_on_that_field(live_server, alice, project, tally, reliability):
    ids = {
        "project_slug": project, "version_slug": "latest",
        "redirect_id": assert_json(live_server.post(f"{BASE}/redirects/", alice, json={"type": "prefix", "from_url": "/a/"}), 201)["pk"],
        "webhook_id": assert_json(live_server.post(f"{BASE}/notifications/webhooks/", alice,
                                                   json={"url": "https://hooks.example/", "events": ["build:failed"]}), 201)["id"],
    }
    spec = assert_json(live_server.get("/api/v3/openapi.json"), 200)
    operations = 0
    with nothing_changes(live_server, alice, project):
        for path, item in spec["paths"].items():
            for method, operation in item.items():
                content = operation.get("requestBody", {}).get("content", {}).get("application/json") if isinstance(operation, dict) else None
                if not content:
                    continue
                operations += 1
                url = path.format(**{name: ids.get(name, "0") for name in ("project_slug", "version_slug", "redirect_id", "webhook_id")})
                for field, kind in _body_fields(spec, content["schema"]):
                    for value in WRONG_VALUES[kind]:
                        response = sent(tally, live_server.request(method.upper(), url, alice, json=_with(field, value)))
                        assert_error(response, 422, field=field, code="invalid")
    assert operations >= 15 and tally.inputs > 300, (operations, tally.inputs)
    tally.record(reliability, "Hostile input: wrong types in every field of every write")


# Text the stores cannot hold, and very long text ---------------------------------------------------

UNSTORABLE = ["a\x00b", "\x00", "a\ud800b", "\udfff"]


def test_nul_and_lone_surrogates_are_refused_and_do_not_stop_the_projector(live_server, alice, project, tally, reliability):
    writes = [
        ("POST", PROJECTS, lambda s: project_body(s)),
        ("POST", PROJECTS, lambda s: project_body("Fine", repository={"url": f"https://github.com/{s}"})),
        ("PATCH", f"{BASE}/", lambda s: {"homepage": f"https://example.com/{s}"}),
        ("PATCH", f"{BASE}/", lambda s: {"tags": ["ok", s]}),
        ("POST", f"{BASE}/redirects/", lambda s: {"type": "page", "from_url": f"/{s}", "to_url": "/b/"}),
        ("POST", f"{BASE}/environmentvariables/", lambda s: {"name": "VAR", "value": s}),
        ("POST", f"{BASE}/notifications/webhooks/", lambda s: {"url": "https://h.example/", "events": ["build:failed"], "secret": s}),
        ("POST", f"{BASE}/notifications/emails/", lambda s: {"email": f"{s}@example.com"}),
        ("POST", f"{BASE}/maintainers/", lambda s: {"username": s}),
        ("POST", f"{BASE}/builds/", lambda s: {"version": s}),
        ("POST", "/api/v3/tokens/", lambda s: {"name": s}),
    ]
    with nothing_changes(live_server, alice, project):
        for method, path, body in writes:
            for text in UNSTORABLE:
                data = json.dumps(body(text)).encode()  # \u0000 and \ud800 escapes: valid JSON
                response = sent(tally, live_server.request(method, path, alice, data=data, headers={"Content-Type": "application/json"}))
                error = assert_error(response, 422)["errors"][0]
                assert error["code"] == "invalid" and "NUL" in error["message"], (method, path, error)
        for query in ("name=%00", "slug=a%00b", "language=%00", "created__gte=%00"):
            assert_error(sent(tally, live_server.get(f"{PROJECTS}?{query}", alice)), 422, field=query.split("=")[0], code="invalid")
        for query in ("commit=%00", "state=%00"):
            assert_error(sent(tally, live_server.get(f"{BASE}/builds/?{query}", alice)), 422, code="invalid")
        for path in ("/api/v3/projects/%00/", f"{BASE}%00/", f"{BASE}/versions/%00/", f"{BASE}/maintainers/%00/",
                     f"{BASE}/subprojects/%00/", f"{BASE}/versions/latest%00/flyout/"):
            assert_error(sent(tally, live_server.get(path, alice)), 404)
    # The projector did not stop on anything: the next write is visible at once (201, not 202).
    assert sent(tally, live_server.post(PROJECTS, alice, json=project_body("After The Storm"))).status_code == 201
    tally.record(reliability, "Hostile input: NUL and lone surrogates")


def test_very_long_text_is_422_on_the_field(live_server, alice, project, tally, reliability):
    long = "a" * 100_000
    cases = [
        ("POST", PROJECTS, project_body(long), "name"),
        ("POST", PROJECTS, project_body("Long", repository={"url": f"https://github.com/{long}"}), "repository.url"),
        ("POST", PROJECTS, project_body("Long", homepage=f"https://example.com/{long}"), "homepage"),
        ("PATCH", f"{BASE}/", {"homepage": f"https://example.com/{'a' * 1100}"}, "homepage"),
        ("PATCH", f"{BASE}/", {"default_branch": long}, "default_branch"),
        ("PATCH", f"{BASE}/", {"tags": [long]}, "tags.0"),
        ("POST", f"{BASE}/redirects/", {"type": "prefix", "from_url": f"/{long}"}, "from_url"),
        ("POST", f"{BASE}/environmentvariables/", {"name": "V" * 200, "value": "x"}, "name"),
        ("POST", f"{BASE}/notifications/webhooks/", {"url": f"https://h.example/{long}", "events": ["build:failed"]}, "url"),
        ("POST", f"{BASE}/notifications/emails/", {"email": f"{long}@example.com"}, "email"),
        ("POST", f"{BASE}/subprojects/", {"child": long}, "child"),
        ("POST", f"{BASE}/maintainers/", {"username": long}, "username"),
        ("POST", "/api/v3/tokens/", {"name": long}, "name"),
    ]
    with nothing_changes(live_server, alice, project):
        for method, path, body, field in cases:
            assert_error(sent(tally, live_server.request(method, path, alice, json=body)), 422, field=field, code="invalid")
        for path in (f"/api/v3/projects/{long[:5000]}/", f"{BASE}/versions/{long[:5000]}/", f"{BASE}/builds/{'9' * 5000}/"):
            assert_error(sent(tally, live_server.get(path, alice)), 404)
        assert_error(sent(tally, live_server.get(f"{PROJECTS}?name={long[:5000]}&limit={'9' * 5000}", alice)), 422)
    tally.record(reliability, "Hostile input: very long text")


# Unicode ---------------------------------------------------------------------------------------------

UNICODE_NAMES = [
    ("Ünïcødé 文档", "unicde"),  # accents folded; letters without an ASCII form (ø, 文档) dropped
    ("Café Déjà Vu", "cafe-deja-vu"),
    ("Zero\u200bWidth\u200d Docs", "zerowidth-docs"),  # invisible characters leave no trace
    ("\u202eevil.exe Docs", "evil-exe-docs"),  # a right-to-left override is not a letter
    ("Τest Project", "est-project"),  # Greek capital tau: no takeover of test-project by a look-alike
]
NAMES_WITHOUT_A_SLUG = ["📚📚📚", "مستندات", "文档", "\u200b\u200b", "☃ ☂"]


def test_unicode_names_make_ascii_slugs_and_unicode_paths_are_404(live_server, alice, project, tally, reliability):
    for name, slug in UNICODE_NAMES:
        created = assert_json(sent(tally, live_server.post(PROJECTS, alice, json=project_body(name))), 201)
        assert (created["name"], created["slug"]) == (name, slug)
        assert assert_json(sent(tally, live_server.get(f"{PROJECTS}{slug}/", alice)), 200)["name"] == name
    with nothing_changes(live_server, alice, project):
        for name in NAMES_WITHOUT_A_SLUG:
            assert_error(sent(tally, live_server.post(PROJECTS, alice, json=project_body(name))), 422, field="name", code="invalid")
        # Full-width letters are the same letters (compatibility): the slug is taken.
        assert_error(sent(tally, live_server.post(PROJECTS, alice, json=project_body("Ｔｅｓｔ Ｐｒｏｊｅｃｔ"))), 422,
                     field="name", code="already_exists")
        for path in ("文档", "%E6%96%87%E6%A1%A3", "%F0%9F%93%9A", "caf%C3%A9", "%ff%fe", "%ed%a0%80", "%c0%ae%c0%ae",
                     "..%2f..%2fetc%2fpasswd", "%2e%2e", "test-project%2f..%2f..", "test%20project", "TEST-PROJECT"):
            for suffix in ("/", "/versions/", "/builds/latest/", "/versions/latest/flyout/"):
                assert_error(sent(tally, live_server.get(f"{PROJECTS}{path}{suffix}", alice)), 404)
        for path in ("%2e%2e", "..%2f..", "latest%2f..%2f..", "ünï", "%ff"):
            assert_error(sent(tally, live_server.get(f"{BASE}/versions/{path}/", alice)), 404)
        listing = assert_json(sent(tally, live_server.get(f"{PROJECTS}?name=文档&limit=100", alice)), 200)
        assert [p["slug"] for p in listing["results"]] == ["unicde"]
        assert assert_json(sent(tally, live_server.get(f"{PROJECTS}?slug=📚", alice)), 200)["count"] == 0
    tally.record(reliability, "Hostile input: unicode names and slugs")


# Redirects ---------------------------------------------------------------------------------------------

ESCAPING_URLS = ["../../etc/passwd", "/../../etc/passwd", "/docs/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                 "/%2E%2E%2f", "/%252e%252e/", "/%2f/evil.com", "/\\evil.com", "\\\\evil.com",
                 "/a/%0d%0aSet-Cookie:%20x=1"]
# Read the Docs normalises a URL that is not http(s) into a path from the documentation's root: these
# stay inside as harmless paths (what a browser would have taken elsewhere is no longer a URL).
DEFUSED_URLS = {"//evil.com/": "/evil.com/", "javascript:alert(document.cookie)": "/javascript:alert(document.cookie)",
                "data:text/html,<script>x</script>": "/data:text/html,<script>x</script>", "docs/relative": "/docs/relative"}


def test_redirect_urls_never_leave_the_projects_documentation(live_server, alice, project, tally, reliability):
    redirect = assert_json(live_server.post(f"{BASE}/redirects/", alice, json={"type": "page", "from_url": "/a/", "to_url": "/b/"}), 201)
    one = f"{BASE}/redirects/{redirect['pk']}/"
    with nothing_changes(live_server, alice, project):
        before = live_server.get(f"{BASE}/redirects/", alice).json()
        for url in ESCAPING_URLS + ["/a/\r\nX-Injected: 1", "/a/\x00"]:
            for field, body in (("from_url", {"type": "exact", "from_url": url, "to_url": "/b/"}),
                                ("to_url", {"type": "exact", "from_url": "/a/", "to_url": url})):
                assert_error(sent(tally, live_server.post(f"{BASE}/redirects/", alice, json=body)), 422, field=field, code="invalid")
                assert_error(sent(tally, live_server.request("PUT", one, alice, json=body)), 422, field=field, code="invalid")
        assert live_server.get(f"{BASE}/redirects/", alice).json() == before
    # What stays inside (or names another site outright, as Read the Docs allows) is stored as given.
    for from_url, to_url in (("/a/b..c/", "/my%20page.html"), ("/old/*", "https://other.example/docs/"),
                             ("/café/", "/文档/")):
        created = assert_json(sent(tally, live_server.post(f"{BASE}/redirects/", alice,
                                                           json={"type": "exact", "from_url": from_url, "to_url": to_url})), 201)
        assert (created["from_url"], created["to_url"]) == (from_url.rstrip("/"), to_url)
    for url, path in DEFUSED_URLS.items():
        created = assert_json(sent(tally, live_server.post(f"{BASE}/redirects/", alice,
                                                           json={"type": "exact", "from_url": url, "to_url": url})), 201)
        assert (created["from_url"], created["to_url"]) == (path.rstrip("/"), path)
    tally.record(reliability, "Hostile input: redirect URLs escaping the docs")


# Headers ---------------------------------------------------------------------------------------------

HEADERS = ["X-Request-Id", "X-Correlation-Id", "Idempotency-Key", "If-Match", "Accept", "User-Agent", "Authorization"]
# A bare CR or LF, or a NUL, inside a header line: what a proxy or another parser may split into two.
SMUGGLED = [b"abc\nX-Injected: 1", b"abc\rX-Injected: 1", b"abc\x00X-Injected: 1", b"abc\r\rX-Injected: 1"]


def test_header_injection_is_refused_and_nothing_is_echoed_unsanitized(live_server, alice, project, tally, reliability):
    with nothing_changes(live_server, alice, project):
        for method, path in (("GET", f"{BASE}/"), ("PATCH", f"{BASE}/"), ("POST", f"{BASE}/redirects/")):
            body = b'{"type": "prefix"}' if method == "POST" else b"{}" if method == "PATCH" else b""  # change nothing
            for name in HEADERS:
                for value in SMUGGLED:
                    answer = raw(live_server, request_bytes(method, path, alice, {name: value}, body=body, length=len(body)))
                    raw_error(tally, answer, 400)
                    assert INJECTED.lower() not in answer.headers
                # CR LF ends the header line: the rest is a header of the client's own, never answered back;
                # a folded (obsolete) continuation line belongs to the header above.
                for value in (b"abc\r\nX-Injected: 1", b"abc\r\n X-Injected: 1", b"abc\r\n\tX-Injected: 1"):
                    answer = raw(live_server, request_bytes(method, path, alice, {name: value}, body=body, length=len(body)))
                    tally.seen(answer.status_code)
                    assert answer.status_code < 500 and INJECTED.lower() not in answer.headers, (name, value, answer.status_code)
                    assert "injected" not in " ".join(answer.header_lines).lower(), (name, value)
                    if answer.status_code != 204:
                        answer.json()
    # Ids a client sends are echoed only when sane; anything else is replaced by a generated one.
    for value in ("<script>alert(1)</script>", "a b", "x" * 129, "ünï", "a;b=c", "%0d%0aX-Injected:%201"):
        for header in ("X-Request-Id", "X-Correlation-Id"):
            response = sent(tally, live_server.get(f"{BASE}/", alice, headers={header: value.encode("utf-8")}))
            assert response.status_code == 200 and response.headers[header] != value
            assert len(response.headers[header]) == 32 and int(response.headers[header], 16) >= 0
    sane = sent(tally, live_server.get(f"{BASE}/", alice, headers={"X-Request-Id": "client:req-1.2_3"}))
    assert sane.headers["X-Request-Id"] == "client:req-1.2_3"
    # Odd but well-formed values of the other headers: a JSON answer, never a 5xx.
    with nothing_changes(live_server, alice, project):
        for headers, status in (
            ({"If-Match": '"\u00ff"'.encode("latin-1")}, 412), ({"If-Match": "W/\"1-abc\""}, 412),
            ({"If-Match": '"' + "9" * 5000 + '-x"'}, 412), ({"If-Match": ", , ,"}, 412),
            ({"Accept": "application/vnd.docsplane.v999+json"}, 406), ({"Accept": "text/xml;q=abc"}, 204),
            ({"Accept": "application/json;q=2;q=3, */*"}, 204), ({"Accept": ";;;,,,"}, 204),
            ({"Authorization": "Token " + "x" * 10_000}, 401), ({"Authorization": "Token \u00ff".encode("latin-1")}, 401),
            ({"Authorization": "Token a b c"}, 401), ({"User-Agent": "ü".encode() * 5000}, 204), ({"Idempotency-Key": "k" * 5000}, 204),
        ):
            response = sent(tally, live_server.patch(f"{BASE}/", alice if "Authorization" not in headers else None,
                                                     json={}, headers=headers))
            if status == 204:
                assert response.status_code in (204, 406), (headers, response.status_code)  # an odd Accept, read leniently
            else:
                assert response.status_code == status, (headers, response.status_code)
                assert_error(response, status)
        # Oversized headers: one huge, or very many.
        answer = raw(live_server, request_bytes("GET", f"{BASE}/", alice, {"X-Big": "x" * 300_000}))
        raw_error(tally, answer, 431)
        many = {f"X-Many-{i}": "y" * 50 for i in range(6000)}
        raw_error(tally, raw(live_server, request_bytes("GET", f"{BASE}/", alice, many)), 431)
    # Where the API puts something of the request in a header (Location), it is the slug it made.
    created = sent(tally, live_server.post(PROJECTS, alice, json=project_body("Evil\r\nX-Injected: 1")))
    if created.status_code == 201:
        assert created.headers["Location"].endswith("/api/v3/projects/evil-x-injected-1/")
        assert INJECTED not in created.headers
    else:
        assert_error(created, 422, field="name")
    tally.record(reliability, "Hostile input: header injection and oversized headers")
