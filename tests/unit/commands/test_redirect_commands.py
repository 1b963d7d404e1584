"""Redirects: created, changed and deleted by maintainers; a project holds one of each clean-URL type."""

import pytest

from write_side import names


def test_a_redirect_is_created_with_read_the_docs_defaults(commands, log, project):
    number = commands.redirects.create_redirect("alice", project, "page", "/old.html", "/new.html").value

    [created] = log.new()
    assert names([created]) == ["Redirect.RedirectCreated"]
    assert (created.number, created.from_url, created.to_url) == (number, "/old.html", "/new.html")
    assert (created.http_status, created.enabled, created.force, created.position) == (302, True, False, 0)


@pytest.mark.parametrize("fields, field", [
    ({"type": "page", "from_url": "/old.html"}, "to_url"),
    ({"type": "nope", "from_url": "/a", "to_url": "/b"}, "type"),
    ({"type": "page", "from_url": "/a", "to_url": "/b", "http_status": 200}, "http_status"),
    ({"type": "page", "from_url": "/a", "to_url": "/b", "position": -1}, "position"),
    ({"type": "page", "from_url": "/a", "to_url": "/../b"}, "to_url"),
])
def test_a_redirect_that_breaks_a_rule_is_refused(commands, log, project, refused, fields, field):
    with refused(log) as error:
        commands.redirects.create_redirect("alice", project, **fields)
    assert error.value.field == field


def test_only_maintainers_write_redirects(commands, log, project, refused):
    number = commands.redirects.create_redirect("alice", project, "page", "/a", "/b").value
    log.new()
    with refused(log):
        commands.redirects.create_redirect("mallory", project, "page", "/a", "/b")
    with refused(log):
        commands.redirects.change_redirect("mallory", project, number, {"to_url": "/c"})
    with refused(log):
        commands.redirects.delete_redirect("mallory", project, number)


def test_a_change_records_what_changed_and_a_given_position_always(commands, log, project):
    number = commands.redirects.create_redirect("alice", project, "page", "/a", "/b").value
    log.new()

    commands.redirects.change_redirect("alice", project, number, {"to_url": "/c", "from_url": "/a"})
    commands.redirects.change_redirect("alice", project, number, {"position": 0})  # the same, asked again
    commands.redirects.change_redirect("alice", project, number, {"to_url": "/c"})

    assert [e.changes for e in log.new()] == [{"to_url": "/c"}, {"position": 0}]


def test_a_project_holds_one_redirect_of_each_clean_url_type(commands, log, project, refused):
    first = commands.redirects.create_redirect("alice", project, "clean_url_to_html").value
    assert names(log.new()) == ["Redirect.RedirectCreated", "RedirectTypeClaim.RedirectTypeClaimed"]

    with refused(log) as error:
        commands.redirects.create_redirect("alice", project, "clean_url_to_html")
    assert error.value.field == "type"
    other = commands.redirects.create_redirect("alice", project, "page", "/a", "/b").value
    log.new()
    with refused(log) as error:
        commands.redirects.change_redirect("alice", project, other, {"type": "clean_url_to_html"})
    assert error.value.field == "type"

    commands.redirects.delete_redirect("alice", project, first)
    assert names(log.new()) == ["Redirect.RedirectDeleted", "RedirectTypeClaim.RedirectTypeReleased"]
    commands.redirects.change_redirect("alice", project, other, {"type": "clean_url_to_html", "from_url": "", "to_url": ""})
    assert names(log.new()) == ["Redirect.RedirectUpdated", "RedirectTypeClaim.RedirectTypeReclaimed"]


def test_a_deleted_redirect_is_gone(commands, log, project, refused):
    number = commands.redirects.create_redirect("alice", project, "page", "/a", "/b").value
    commands.redirects.delete_redirect("alice", project, number)
    log.new()
    with refused(log):
        commands.redirects.change_redirect("alice", project, number, {"to_url": "/c"})
    with refused(log):
        commands.redirects.delete_redirect("alice", project, number)
