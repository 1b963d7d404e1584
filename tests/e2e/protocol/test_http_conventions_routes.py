"""HTTP verbs on every route of the API, walked from the application's URL map (so routes added
later are covered too): HEAD wherever GET is, OPTIONS lists the methods, others are 405 with Allow."""

from __future__ import annotations

from e2e_support import SEED_PROJECT, assert_error, assert_json, nothing_changes

from api.app import create_app

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def api_paths(live, values: dict) -> list[str]:
    """One concrete path per /api/v3 rule: known names filled with real values, others made up."""
    paths = []
    for rule in create_app(live.docsplane).url_map.iter_rules():
        if not rule.rule.startswith("/api/v3"):
            continue
        made_up = {name: 1 if type(converter).__name__ == "IntegerConverter" else "made-up"
                   for name, converter in rule._converters.items()}
        paths.append(rule.build({**made_up, **values}, append_unknown=False)[1])
    return sorted(set(paths))


def methods_of(response) -> set[str]:
    return {m.strip() for m in response.headers.get("Allow", "").split(",") if m.strip()}


def test_head_options_and_405_hold_on_every_route(live_server):
    alice = live_server.token("alice")
    assert_json(live_server.post("/api/v3/projects/", alice, json=SEED_PROJECT), 201)
    build_id = assert_json(live_server.post("/api/v3/projects/test-project/builds/", alice), 201)["build"]["id"]
    paths = api_paths(live_server, {"project_slug": "test-project", "version_slug": "latest", "build_id": build_id,
                                    "username": "alice"})
    assert len(paths) >= 10 and "/api/v3/projects/test-project/" in paths

    with nothing_changes(live_server, alice, "test-project"):
        for path in paths:
            options = live_server.request("OPTIONS", path, alice)
            assert options.status_code == 200, (path, options.status_code, options.text[:200])
            allowed = methods_of(options)
            assert assert_json(options, 200) == {"methods": sorted(allowed)}, path
            assert {"OPTIONS"} <= allowed and ("GET" in allowed) == ("HEAD" in allowed), (path, allowed)

            if "GET" in allowed:
                get, head = live_server.get(path, alice), live_server.request("HEAD", path, alice)
                assert head.status_code == get.status_code, (path, head.status_code, get.status_code)
                assert head.content == b"", path
                assert head.headers.get("ETag") == get.headers.get("ETag"), path
                if get.status_code == 200:
                    assert get.headers["ETag"], path

            for method in METHODS:
                if method not in allowed:
                    refused = live_server.request(method, path, alice, json={})
                    assert_error(refused, 405)
                    assert methods_of(refused) == allowed, (path, method, methods_of(refused), allowed)
