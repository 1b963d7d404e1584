"""Who may do what: every route of the API × every kind of caller → the status it answers, over real HTTP.

The routes come from the application's own `url_map` (every /api/v3 rule, every method but HEAD and
OPTIONS), so a route added without a row in TABLE fails `test_every_route_is_in_the_table`.

Callers, on a project of the maintainer (alice):
  anonymous   no token
  other       bob, a user who does not maintain the project (token for all his projects, write)
  read        alice's read-only token for all her projects
  elsewhere   alice's write token limited to another project of hers
  revoked     a token of alice's (all projects, write) that she has revoked: 401 wherever a token is
              read, as Django REST framework answers an invalid token; only the four documents that
              never read one (root, OpenAPI, its docs, health) answer it
  maintainer  alice's token for all her projects, write
Each route gets a project of its own (and whatever its path names); the callers are tried in this
order, the maintainer last, so writes by the others must have changed nothing it depends on.

The table is gone through twice: once with the route's project public, once with it private. On a
private project every outsider gets 404 on every route of it, as if it did not exist (`private()`
derives that column from the public one; `Case.private` overrides it where a route needs to): bob,
and where no token is needed (the flyout) the callers served as anonymous. A token limited to
another project still gets its 403 (the same answer for a project that does not exist), and the
caller without a token its 401.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from e2e_support import assert_json, project_body

from api.app import create_app

CALLERS = ("anonymous", "other", "read", "elsewhere", "revoked", "maintainer")
PRIVACY = ("public", "private")


def statuses(anonymous=401, other=403, read=403, elsewhere=403, revoked=401, maintainer=200) -> dict[str, int]:
    return dict(anonymous=anonymous, other=other, read=read, elsewhere=elsewhere, revoked=revoked, maintainer=maintainer)


DOCUMENT = statuses(anonymous=200, other=200, read=200, elsewhere=200, revoked=200)  # no token read at all
PUBLIC = statuses(anonymous=200, other=200, read=200, elsewhere=200)  # no token needed, but one given is checked
PUBLIC_PROJECT_READ = statuses(other=200, read=200)  # any user may read a public project's maintainers
# Read the Docs' ReadOnlyPermission: anybody, even without a token, reads a public project, its versions, builds,
# subprojects and translations (a token given is still checked)
ANONYMOUS_READ = statuses(anonymous=200, other=200, read=200)
MAINTAINERS_READ = statuses(read=200)  # redirects, environment variables, notifications: maintainers only


def write(ok: int) -> dict[str, int]:
    return statuses(maintainer=ok)


@dataclass
class World:
    """One route's arrangement: alice's token, the project made for the route (`slug`, the n-th), and
    what the makers made (`made`: path values and other projects, by name)."""

    alice: str
    slug: str
    n: int
    made: dict = field(default_factory=dict)


@dataclass
class Case:
    expect: dict[str, int]
    body: Callable[[str, World], dict] | dict | None = None  # a JSON body, or a function of (caller, world)
    arrange: Callable[[object, World], None] | None = None  # what the route needs beyond its path
    private: dict[str, int] | None = None  # on a private project, when not what private() derives


def private(expect: dict[str, int]) -> dict[str, int]:
    """The answers on a private project, derived from a route's public ones: an outsider (bob, or a
    caller served as anonymous where a token is optional) gets 404; the rest answer as before."""
    outsider = {"other"} | {caller for caller in ("anonymous", "elsewhere") if expect[caller] == 200}
    return {caller: 404 if caller in outsider else status for caller, status in expect.items()}


def expected(case: Case, rule: str, privacy: str) -> dict[str, int]:
    if privacy == "public" or "<project_slug>" not in rule:
        return case.expect
    return case.private or private(case.expect)


# -- what route paths name: each maker creates the thing (as the maintainer) and returns its key ---------

def _created(live, path: str, token: str, body: dict) -> dict:
    return assert_json(live.post(path, token, json=body), 201)


def _project(live, w: World, role: str) -> str:
    """Another public project of alice's, e.g. a subproject to be."""
    w.made[role] = _created(live, "/api/v3/projects/", w.alice, project_body(f"{role} {w.n}"))["slug"]
    return w.made[role]


def _subproject(live, w: World, parent: str, child: str) -> str:
    return _created(live, f"/api/v3/projects/{parent}/subprojects/", w.alice, {"child": child, "alias": "kid"})["alias"]


def _build_command(live, w: World) -> int:
    written = live.docsplane.builds.record_command("builder", w.made["build_id"], "git clone", "done", 0)
    assert live.docsplane.consistency.wait(written.recordings, 10)  # no API records commands: the build worker does
    return written.value


PARAMS: dict[str, Callable[[object, World], object]] = {
    "version_slug": lambda live, w: "latest",
    "filename": lambda live, w: "swagger-ui-bundle.js",  # an asset of the interactive documentation
    "build_id": lambda live, w: _created(live, f"/api/v3/projects/{w.slug}/builds/", w.alice, {})["build"]["id"],
    "command_id": _build_command,
    "redirect_id": lambda live, w: _created(
        live, f"/api/v3/projects/{w.slug}/redirects/", w.alice, {"type": "page", "from_url": "/a/", "to_url": "/b/"})["pk"],
    "environmentvariable_id": lambda live, w: _created(
        live, f"/api/v3/projects/{w.slug}/environmentvariables/", w.alice, {"name": "API_KEY", "value": "s3cret"})["pk"],
    "webhook_id": lambda live, w: _created(
        live, f"/api/v3/projects/{w.slug}/notifications/webhooks/", w.alice,
        {"url": "https://ci.example.com/hook", "events": ["build:failed"]})["id"],
    "hook_id": lambda live, w: _created(
        live, f"/api/v3/projects/{w.slug}/notifications/emails/", w.alice, {"email": "docs@example.com"})["id"],
    "username": lambda live, w: _created(live, f"/api/v3/projects/{w.slug}/maintainers/", w.alice, {"username": "carol"})["username"],
    "alias_slug": lambda live, w: _subproject(live, w, w.slug, _project(live, w, "Child")),
    "token_id": lambda live, w: _created(live, "/api/v3/tokens/", w.alice, {"name": "to be revoked"})["id"],
}

P = "/api/v3/projects/<project_slug>"
ID = "int(max=9223372036854775807)"
WEBHOOK = {"url": "https://ci.example.com/other", "events": ["build:passed"]}

TABLE: dict[tuple[str, str], Case] = {
    ("GET", "/api/v3/"): Case(DOCUMENT),
    ("GET", "/api/v3/openapi.json"): Case(DOCUMENT),
    ("GET", "/api/v3/docs/"): Case(DOCUMENT),
    ("GET", "/api/v3/docs/assets/<path:filename>"): Case(DOCUMENT),
    ("GET", "/api/v3/_health"): Case(DOCUMENT),  # for load balancers: no token
    # Projects: anybody lists their own (a limited token: its own only); importing needs an unlimited write token.
    ("GET", "/api/v3/projects/"): Case(statuses(other=200, read=200, elsewhere=200)),
    ("POST", "/api/v3/projects/"): Case(statuses(other=201, maintainer=201), body=lambda caller, w: project_body(f"Imported {caller} {w.n}")),
    ("GET", f"{P}/"): Case(ANONYMOUS_READ),
    ("PATCH", f"{P}/"): Case(write(204), body={"name": "Renamed"}),
    ("PUT", f"{P}/"): Case(write(204), body={"name": "Renamed", "repository": {"url": "https://github.com/example/renamed"}}),
    ("DELETE", f"{P}/"): Case(write(204)),
    ("POST", f"{P}/sync-versions/"): Case(write(202)),
    # Versions and builds.
    ("GET", f"{P}/versions/"): Case(ANONYMOUS_READ),
    ("GET", f"{P}/versions/<version_slug>/"): Case(ANONYMOUS_READ),
    ("PATCH", f"{P}/versions/<version_slug>/"): Case(write(204), body={"hidden": True}),
    ("GET", f"{P}/version/<version_slug>/"): Case(ANONYMOUS_READ),
    ("PATCH", f"{P}/version/<version_slug>/"): Case(write(204), body={"hidden": True}),
    # The flyout menu needs no token; one that is not valid for the project is ignored, not refused
    # (a revoked one is no token of anybody's: 401, as everywhere a token is read).
    ("GET", f"{P}/versions/<version_slug>/flyout/"): Case(PUBLIC),
    ("GET", f"{P}/builds/"): Case(ANONYMOUS_READ),
    ("POST", f"{P}/builds/"): Case(write(201), body={}),
    ("GET", f"{P}/builds/latest/"): Case(ANONYMOUS_READ, arrange=lambda live, w: PARAMS["build_id"](live, w)),
    ("GET", f"{P}/builds/<{ID}:build_id>/"): Case(ANONYMOUS_READ),
    ("GET", f"{P}/builds/<{ID}:build_id>/commands/"): Case(ANONYMOUS_READ),
    # No worker runs here: the build has not started, so cancelling ends it at once.
    ("POST", f"{P}/builds/<{ID}:build_id>/cancel/"): Case(write(204)),
    ("GET", f"{P}/builds/<{ID}:build_id>/commands/<{ID}:command_id>/"): Case(ANONYMOUS_READ),
    ("GET", f"{P}/versions/<version_slug>/builds/"): Case(ANONYMOUS_READ),
    ("POST", f"{P}/versions/<version_slug>/builds/"): Case(write(201), body={}),
    ("GET", f"{P}/version/<version_slug>/builds/"): Case(ANONYMOUS_READ),
    ("POST", f"{P}/version/<version_slug>/builds/"): Case(write(201), body={}),
    # Maintainers, subprojects, translations: public like the project; changed by its maintainers.
    ("GET", f"{P}/maintainers/"): Case(PUBLIC_PROJECT_READ),
    ("POST", f"{P}/maintainers/"): Case(write(201), body={"username": "carol"}),
    ("GET", f"{P}/maintainers/<username>/"): Case(PUBLIC_PROJECT_READ),
    ("DELETE", f"{P}/maintainers/<username>/"): Case(write(204)),
    ("GET", f"{P}/subprojects/"): Case(ANONYMOUS_READ),
    ("POST", f"{P}/subprojects/"): Case(
        write(201), body=lambda caller, w: {"child": w.made["Child"], "alias": "kid"}, arrange=lambda live, w: _project(live, w, "Child"),
    ),
    ("GET", f"{P}/subprojects/<alias_slug>/"): Case(ANONYMOUS_READ),
    ("DELETE", f"{P}/subprojects/<alias_slug>/"): Case(write(204)),
    ("GET", f"{P}/superproject/"): Case(
        ANONYMOUS_READ, arrange=lambda live, w: _subproject(live, w, _project(live, w, "Parent"), w.slug),
    ),
    ("GET", f"{P}/translations/"): Case(ANONYMOUS_READ),
    # Redirects.
    ("GET", f"{P}/redirects/"): Case(MAINTAINERS_READ),
    ("POST", f"{P}/redirects/"): Case(write(201), body={"type": "prefix", "from_url": "/old/"}),
    ("GET", f"{P}/redirects/<{ID}:redirect_id>/"): Case(MAINTAINERS_READ),
    ("PUT", f"{P}/redirects/<{ID}:redirect_id>/"): Case(write(200), body={"type": "exact", "from_url": "/x", "to_url": "/y"}),
    ("PATCH", f"{P}/redirects/<{ID}:redirect_id>/"): Case(write(200), body={"enabled": False}),
    ("DELETE", f"{P}/redirects/<{ID}:redirect_id>/"): Case(write(204)),
    # Environment variables.
    ("GET", f"{P}/environmentvariables/"): Case(MAINTAINERS_READ),
    ("POST", f"{P}/environmentvariables/"): Case(write(201), body={"name": "TOKEN", "value": "v"}),
    ("GET", f"{P}/environmentvariables/<{ID}:environmentvariable_id>/"): Case(MAINTAINERS_READ),
    ("DELETE", f"{P}/environmentvariables/<{ID}:environmentvariable_id>/"): Case(write(204)),
    # Notifications.
    ("GET", f"{P}/notifications/"): Case(MAINTAINERS_READ),
    ("GET", f"{P}/notifications/webhooks/"): Case(MAINTAINERS_READ),
    ("POST", f"{P}/notifications/webhooks/"): Case(write(201), body=WEBHOOK),
    ("GET", f"{P}/notifications/webhooks/<{ID}:webhook_id>/"): Case(MAINTAINERS_READ),
    ("PATCH", f"{P}/notifications/webhooks/<{ID}:webhook_id>/"): Case(write(204), body={"events": ["build:passed"]}),
    ("PUT", f"{P}/notifications/webhooks/<{ID}:webhook_id>/"): Case(write(200), body=WEBHOOK),
    ("DELETE", f"{P}/notifications/webhooks/<{ID}:webhook_id>/"): Case(write(204)),
    ("GET", f"{P}/notifications/webhooks/<{ID}:webhook_id>/deliveries/"): Case(MAINTAINERS_READ),
    ("GET", f"{P}/notifications/emails/"): Case(MAINTAINERS_READ),
    ("POST", f"{P}/notifications/emails/"): Case(write(201), body={"email": "team@example.com"}),
    ("GET", f"{P}/notifications/emails/<{ID}:hook_id>/"): Case(MAINTAINERS_READ),
    ("DELETE", f"{P}/notifications/emails/<{ID}:hook_id>/"): Case(write(204)),
    # The audit history: a maintainer's business, like redirects.
    ("GET", f"{P}/events/"): Case(MAINTAINERS_READ),
    # The caller's own tokens (the token in the path is alice's): managing them needs a token for all projects.
    ("GET", "/api/v3/tokens/"): Case(statuses(other=200, read=200)),
    ("POST", "/api/v3/tokens/"): Case(statuses(other=201, maintainer=201), body={"name": "new", "access": "read"}),
    ("GET", f"/api/v3/tokens/<{ID}:token_id>/"): Case(statuses(other=404, read=200)),
    ("DELETE", f"/api/v3/tokens/<{ID}:token_id>/"): Case(statuses(other=404, maintainer=204)),
}


def api_routes(app) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v3")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_is_in_the_table(make_settings):
    from docsplane.bootstrap import build

    docsplane = build(make_settings("sqlite"))
    try:
        routes = api_routes(create_app(docsplane))
    finally:
        docsplane.close()
    missing = sorted(routes - set(TABLE))
    stale = sorted(set(TABLE) - routes)
    assert not missing, "\n".join(f"add route {m} {r} to TABLE in tests/e2e/reliability/test_authorization_table.py" for m, r in missing)
    assert not stale, "\n".join(f"no route {m} {r} any more: remove it from TABLE" for m, r in stale)
    unknown = {name for _, rule in routes for name in re.findall(r"<(?:[^:>]+:)?(\w+)>", rule)} - set(PARAMS) - {"project_slug"}
    assert not unknown, f"add a maker for path parameters {sorted(unknown)} to PARAMS"


def path_of(live, rule: str, world: World) -> str:
    def value(match):
        name = match.group(1)
        if name != "project_slug":
            world.made[name] = PARAMS[name](live, world)
        return world.slug if name == "project_slug" else str(world.made[name])

    return re.sub(r"<(?:[^:>]+:)?(\w+)>", value, rule)


def test_every_route_answers_each_caller_as_the_table_says(backend, start_live_server, reliability):
    # The anonymous caller tries every route from one address: more than its rate limit allows.
    live = start_live_server(backend, DOCSPLANE_RATE_LIMIT_ANONYMOUS="off")
    alice, bob = live.token("alice"), live.token("bob")
    live.token("carol")  # made a maintainer by routes that need a second one
    assert_json(live.post("/api/v3/projects/", alice, json=project_body("Elsewhere")), 201)
    revoked = assert_json(live.post("/api/v3/tokens/", alice, json={"name": "revoked"}), 201)
    assert live.request("DELETE", f"/api/v3/tokens/{revoked['id']}/", alice).status_code == 204
    tokens = {
        "anonymous": None,
        "other": bob,
        "read": assert_json(live.post("/api/v3/tokens/", alice, json={"access": "read"}), 201)["token"],
        "elsewhere": assert_json(live.post("/api/v3/tokens/", alice, json={"projects": ["elsewhere"]}), 201)["token"],
        "revoked": revoked["token"],
        "maintainer": alice,
    }
    routes = sorted(api_routes(create_app(live.docsplane)) & set(TABLE), key=lambda r: (r[1], r[0]))  # the other test reports what is missing
    mismatches, answers = [], 0
    for n, (privacy, (method, rule)) in enumerate((privacy, route) for privacy in PRIVACY for route in routes):
        case = TABLE[(method, rule)]
        slug = assert_json(live.post("/api/v3/projects/", alice, json=project_body(f"Route {n}", privacy_level=privacy)), 201)["slug"]
        world = World(alice, slug, n)
        path = path_of(live, rule, world)
        if case.arrange:
            case.arrange(live, world)
        expect = expected(case, rule, privacy)
        for caller in CALLERS:
            body = case.body(caller, world) if callable(case.body) else case.body
            response = live.request(method, path, tokens[caller], json=body)
            answers += 1
            if response.status_code != expect[caller]:
                mismatches.append(
                    f"{method} {rule} ({privacy}) as {caller}: expected {expect[caller]}, got {response.status_code} {response.text[:200]}"
                )
            elif response.status_code >= 400:
                assert_json(response, response.status_code)
    assert not mismatches, f"{len(mismatches)} answers differ from the table:\n" + "\n".join(mismatches)
    reliability.record("Authorization table: every route × 6 kinds of caller, public and private project",
                       routes_tried=len(routes) * len(PRIVACY), answers_checked=answers, mismatches=len(mismatches))
