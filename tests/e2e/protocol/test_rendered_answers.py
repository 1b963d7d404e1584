"""A project's GET answer is rendered once per version of the project and shape of the request
(api/representation/rendered.py), over real HTTP: what is remembered is what a fresh rendering would give, and a
write, another host, another query or another caller is never answered from another's rendering."""

from __future__ import annotations

import pytest
from e2e_support import SEED_PROJECT, assert_json

from api.app import create_app

PROJECT = "/api/v3/projects/test-project/"


@pytest.fixture
def live(start_live_server):
    """The rendering is the API layer's alone: one storage backend is enough."""
    return start_live_server("sqlite")


@pytest.fixture
def alice(live):
    token = live.token("alice")
    assert_json(live.post("/api/v3/projects/", token, json=SEED_PROJECT), 201)
    return token


@pytest.fixture
def fresh(live):
    """A second app on the same container, that has rendered nothing: what a fresh rendering gives."""
    client = create_app(live.docsplane).test_client()

    def get(path, token, **headers):
        headers = {"Authorization": f"Token {token}", "User-Agent": "test/1", "Host": live.url.split("//")[1], **headers}
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    return get


def test_a_repeated_get_answers_what_a_fresh_rendering_gives(live, alice, fresh):
    first = live.get(PROJECT, alice)
    second = live.get(PROJECT, alice)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first.headers["ETag"] == second.headers["ETag"]
    assert second.json() == fresh(PROJECT, alice)


def test_a_write_is_seen_by_the_next_get(live, alice):
    before = assert_json(live.get(PROJECT, alice), 200)
    assert live.patch(PROJECT, alice, json={"name": "Renamed"}).status_code == 204
    after = live.get(PROJECT, alice)
    assert assert_json(after, 200)["name"] == "Renamed" != before["name"]
    assert live.get(PROJECT, alice).json() == after.json()


def test_each_host_query_and_caller_gets_its_own_rendering(live, alice, fresh):
    bob = live.token("bob")
    plain = assert_json(live.get(PROJECT, alice), 200)
    other_host = assert_json(live.get(PROJECT, alice, headers={"Host": "docs.example.com"}), 200)
    assert other_host["_links"]["_self"] == "http://docs.example.com/api/v3/projects/test-project/"
    assert plain["_links"]["_self"].startswith(live.url)
    assert set(assert_json(live.get(f"{PROJECT}?fields=slug", alice), 200)) == {"slug"}
    assert "permissions" not in assert_json(live.get(PROJECT, alice), 200)
    # The same resource, expanded for two callers: only its maintainer is admin.
    assert assert_json(live.get(f"{PROJECT}?expand=permissions", alice), 200)["permissions"] == {"admin": True}
    assert assert_json(live.get(f"{PROJECT}?expand=permissions", bob), 200)["permissions"] == {"admin": False}
    assert fresh(f"{PROJECT}?expand=permissions", bob)["permissions"] == {"admin": False}
    assert live.get(PROJECT, alice).json() == plain


def test_the_same_request_is_rendered_once_and_another_shape_again(live, alice):
    app = create_app(live.docsplane)
    client, renderings = app.test_client(), app.extensions["docsplane.renderings"]
    headers = {"Authorization": f"Token {alice}", "User-Agent": "test/1"}
    bodies = [client.get(PROJECT, headers=headers).get_data() for _ in range(3)]
    assert len(set(bodies)) == 1 and len(renderings) == 1
    client.get(f"{PROJECT}?fields=name", headers=headers)
    assert len(renderings) == 2


def test_renderings_are_bounded():
    from api.representation.rendered import Renderings

    renderings = Renderings(max_entries=3)
    for n in range(5):
        renderings.put(("key", n), b"%d" % n)
    assert len(renderings) == 3
    assert renderings.get(("key", 0)) is None and renderings.get(("key", 1)) is None
    assert renderings.get(("key", 4)) == b"4"
    renderings.get(("key", 2))  # used: kept over the older entry
    renderings.put(("key", 5), b"5")
    assert renderings.get(("key", 2)) == b"2" and renderings.get(("key", 3)) is None
