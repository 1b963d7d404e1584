"""Who may do what: every route of the API × every kind of caller → the status it answers, over real HTTP.

The routes come from the application's own `url_map` (every /api/v3 rule, every method but HEAD and
OPTIONS), so a route added without a row in TABLE fails `test_every_route_is_in_the_table`.

Callers, on a public project of the maintainer (alice):
  anonymous   no token
  other       bob, a user who does not maintain the project (token for all his projects, write)
  read        alice's read-only token for all her projects
  elsewhere   alice's write token limited to another project of hers
  maintainer  alice's token for all her projects, write
Each route gets a project of its own (and whatever its path names); the callers are tried in this
order, the maintainer last, so writes by the others must have changed nothing it depends on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from e2e_support import assert_json, project_body

from api.app import create_app

CALLERS = ("anonymous", "other", "read", "elsewhere", "maintainer")


def statuses(anonymous=401, other=403, read=403, elsewhere=403, maintainer=200) -> dict[str, int]:
    return dict(anonymous=anonymous, other=other, read=read, elsewhere=elsewhere, maintainer=maintainer)


PUBLIC = statuses(anonymous=200, other=200, read=200, elsewhere=200)  # no token needed
PUBLIC_PROJECT_READ = statuses(other=200, read=200)  # anybody may read a public project's versions and builds
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
    ("GET", "/api/v3/"): Case(PUBLIC),
    ("GET", "/api/v3/openapi.json"): Case(PUBLIC),
    ("GET", "/api/v3/docs/"): Case(PUBLIC),
    ("GET", "/api/v3/_health"): Case(PUBLIC),  # for load balancers: no token
    # Projects: anybody lists their own (a limited token: its own only); importing needs an unlimited write token.
    ("GET", "/api/v3/projects/"): Case(statuses(other=200, read=200, elsewhere=200)),
    ("POST", "/api/v3/projects/"): Case(statuses(other=201, maintainer=201), body=lambda caller, w: project_body(f"Imported {caller}")),
    ("GET", f"{P}/"): Case(PUBLIC_PROJECT_READ),
    ("PATCH", f"{P}/"): Case(write(204), body={"name": "Renamed"}),
    ("DELETE", f"{P}/"): Case(write(204)),
    ("POST", f"{P}/sync-versions/"): Case(write(202)),
    # Versions and builds.
    ("GET", f"{P}/versions/"): Case(PUBLIC_PROJECT_READ),
    ("GET", f"{P}/versions/<version_slug>/"): Case(PUBLIC_PROJECT_READ),
    ("PATCH", f"{P}/versions/<version_slug>/"): Case(write(204), body={"hidden": True}),
    ("GET", f"{P}/version/<version_slug>/"): Case(PUBLIC_PROJECT_READ),
    ("PATCH", f"{P}/version/<version_slug>/"): Case(write(204), body={"hidden": True}),
    # The flyout menu needs no token; one that is not valid for the project is ignored, not refused.
    ("GET", f"{P}/versions/<version_slug>/flyout/"): Case(PUBLIC),
    ("GET", f"{P}/builds/"): Case(PUBLIC_PROJECT_READ),
    ("POST", f"{P}/builds/"): Case(write(201), body={}),
    ("GET", f"{P}/builds/latest/"): Case(PUBLIC_PROJECT_READ, arrange=lambda live, w: PARAMS["build_id"](live, w)),
    ("GET", f"{P}/builds/<{ID}:build_id>/"): Case(PUBLIC_PROJECT_READ),
    ("GET", f"{P}/builds/<{ID}:build_id>/commands/"): Case(PUBLIC_PROJECT_READ),
    # No worker runs here: the build has not started, so cancelling ends it at once.
    ("POST", f"{P}/builds/<{ID}:build_id>/cancel/"): Case(write(204)),
    ("GET", f"{P}/builds/<{ID}:build_id>/commands/<{ID}:command_id>/"): Case(PUBLIC_PROJECT_READ),
    ("GET", f"{P}/versions/<version_slug>/builds/"): Case(PUBLIC_PROJECT_READ),
    ("POST", f"{P}/versions/<version_slug>/builds/"): Case(write(201), body={}),
    ("GET", f"{P}/version/<version_slug>/builds/"): Case(PUBLIC_PROJECT_READ),
    ("POST", f"{P}/version/<version_slug>/builds/"): Case(write(201), body={}),
    # Maintainers, subprojects, translations: public like the project; changed by its maintainers.
    ("GET", f"{P}/maintainers/"): Case(PUBLIC_PROJECT_READ),
    ("POST", f"{P}/maintainers/"): Case(write(201), body={"username": "carol"}),
    ("GET", f"{P}/maintainers/<username>/"): Case(PUBLIC_PROJECT_READ),
    ("DELETE", f"{P}/maintainers/<username>/"): Case(write(204)),
    ("GET", f"{P}/subprojects/"): Case(PUBLIC_PROJECT_READ),
    ("POST", f"{P}/subprojects/"): Case(
        write(201), body=lambda caller, w: {"child": w.made["Child"], "alias": "kid"}, arrange=lambda live, w: _project(live, w, "Child"),
    ),
    ("GET", f"{P}/subprojects/<alias_slug>/"): Case(PUBLIC_PROJECT_READ),
    ("DELETE", f"{P}/subprojects/<alias_slug>/"): Case(write(204)),
    ("GET", f"{P}/superproject/"): Case(
        PUBLIC_PROJECT_READ, arrange=lambda live, w: _subproject(live, w, _project(live, w, "Parent"), w.slug),
    ),
    ("GET", f"{P}/translations/"): Case(PUBLIC_PROJECT_READ),
    # Redirects.
    ("GET", f"{P}/redirects/"): Case(MAINTAINERS_READ),
    ("POST", f"{P}/redirects/"): Case(write(201), body={"type": "prefix", "from_url": "/old/"}),
    ("GET", f"{P}/redirects/<{ID}:redirect_id>/"): Case(MAINTAINERS_READ),
    ("PUT", f"{P}/redirects/<{ID}:redirect_id>/"): Case(write(200), body={"type": "exact", "from_url": "/x", "to_url": "/y"}),
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
    assert not missing, "\n".join(f"add route {m} {r} to TABLE in tests/e2e/test_authorization_table.py" for m, r in missing)
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


def test_every_route_answers_each_caller_as_the_table_says(backend, start_live_server):
    # The anonymous caller tries every route from one address: more than its rate limit allows.
    live = start_live_server(backend, DOCSPLANE_RATE_LIMIT_ANONYMOUS="off")
    alice, bob = live.token("alice"), live.token("bob")
    live.token("carol")  # made a maintainer by routes that need a second one
    assert_json(live.post("/api/v3/projects/", alice, json=project_body("Elsewhere")), 201)
    tokens = {
        "anonymous": None,
        "other": bob,
        "read": assert_json(live.post("/api/v3/tokens/", alice, json={"access": "read"}), 201)["token"],
        "elsewhere": assert_json(live.post("/api/v3/tokens/", alice, json={"projects": ["elsewhere"]}), 201)["token"],
        "maintainer": alice,
    }
    routes = api_routes(create_app(live.docsplane)) & set(TABLE)  # the other test reports what is missing
    mismatches = []
    for n, (method, rule) in enumerate(sorted(routes, key=lambda r: (r[1], r[0]))):
        case = TABLE[(method, rule)]
        slug = assert_json(live.post("/api/v3/projects/", alice, json=project_body(f"Route {n}")), 201)["slug"]
        world = World(alice, slug, n)
        path = path_of(live, rule, world)
        if case.arrange:
            case.arrange(live, world)
        for caller in CALLERS:
            body = case.body(caller, world) if callable(case.body) else case.body
            response = live.request(method, path, tokens[caller], json=body)
            if response.status_code != case.expect[caller]:
                mismatches.append(
                    f"{method} {rule} as {caller}: expected {case.expect[caller]}, got {response.status_code} {response.text[:200]}"
                )
            elif response.status_code >= 400:
                assert_json(response, response.status_code)
    assert not mismatches, f"{len(mismatches)} answers differ from the table:\n" + "\n".join(mismatches)
