"""Reading without a token, as Read the Docs' ReadOnlyPermission allows (readthedocs/api/v3/views.py):
a public project's detail, versions, builds, subprojects, superproject and translations answer an
anonymous GET; listing /projects/, writes and the maintainers-only resources still need a token, and
a private project does not exist for an anonymous caller."""

from e2e_support import assert_error, assert_json, project_body

PROJECTS = "/api/v3/projects/"


def test_a_public_project_reads_without_a_token_and_a_private_one_is_404(live_server, alice, project):
    assert_json(live_server.post(PROJECTS, alice, json=project_body("Hidden", privacy_level="private")), 201)
    assert_json(live_server.post(PROJECTS, alice, json=project_body("Child")), 201)
    assert_json(live_server.post(f"{PROJECTS}{project}/subprojects/", alice, json={"child": "child"}), 201)
    build = assert_json(live_server.post(f"{PROJECTS}{project}/versions/latest/builds/", alice), 201)["build"]["id"]
    readable = [f"{PROJECTS}{project}/", f"{PROJECTS}{project}/versions/", f"{PROJECTS}{project}/versions/latest/",
                f"{PROJECTS}{project}/builds/", f"{PROJECTS}{project}/builds/{build}/", f"{PROJECTS}{project}/builds/latest/",
                f"{PROJECTS}{project}/versions/latest/builds/", f"{PROJECTS}{project}/subprojects/",
                f"{PROJECTS}{project}/subprojects/child/", f"{PROJECTS}child/superproject/",
                f"{PROJECTS}{project}/translations/"]
    for path in readable:
        assert assert_json(live_server.get(path), 200) == assert_json(live_server.get(path, alice), 200), path
        assert live_server.request("HEAD", path).status_code == 200
    for path in (f"{PROJECTS}hidden/", f"{PROJECTS}hidden/versions/", f"{PROJECTS}hidden/builds/", f"{PROJECTS}hidden/translations/"):
        assert_error(live_server.get(path), 404)
        assert live_server.get(path, alice).status_code == 200


def test_listing_writes_and_maintainers_resources_still_need_a_token(live_server, alice, project):
    before = live_server.log_head()
    for path in (PROJECTS, f"{PROJECTS}{project}/redirects/", f"{PROJECTS}{project}/environmentvariables/",
                 f"{PROJECTS}{project}/notifications/", f"{PROJECTS}{project}/maintainers/", "/api/v3/tokens/"):
        assert_error(live_server.get(path), 401)
    assert_error(live_server.patch(f"{PROJECTS}{project}/", json={"name": "x"}), 401)
    assert_error(live_server.post(f"{PROJECTS}{project}/versions/latest/builds/"), 401)
    assert live_server.log_head() == before


def test_a_token_given_is_still_checked(live_server, project):
    for header in ("Token nope", "Token", "Bearer x"):
        assert_error(live_server.get(f"{PROJECTS}{project}/", headers={"Authorization": header}), 401)
