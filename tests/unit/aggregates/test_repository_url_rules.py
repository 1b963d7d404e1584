"""Which repository URLs a project may name, as Read the Docs' RepositoryURLValidator takes them."""

import pytest

from docsplane.settings import Settings
from api.errors import code_of
from domain.errors import FieldError
from domain.rules.project_settings import LOCAL, REMOTE, repository_kind, validate_settings


@pytest.mark.parametrize("url", [
    "https://github.com/readthedocs/template", "http://example.com/repo.git", "git://example.com/repo.git",
    "ssh://git@github.com/org/repo.git", "ssh+git://host/repo", "git@github.com:org/repo.git", "HTTPS://GitHub.com/a/b",
])
def test_remote_urls(url):
    assert repository_kind(url) == REMOTE
    validate_settings({"repository": {"url": url, "type": "git"}})


@pytest.mark.parametrize("url", ["/srv/repos/docs", "file:///srv/repos/docs"])
def test_local_paths_are_told_apart(url):
    assert repository_kind(url) == LOCAL


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "ftp://example.com/repo", "https://", "https:///path", "docs/relative", "file://relative",
    "https://example.com/repo&&rm -rf", "https://example.com/a|b", "data:text/plain,x", "mailto:a@b.c", "git@:path",
    "http://[::1",
])
def test_anything_else_is_invalid_on_repository_url(url):
    assert repository_kind(url) is None
    with pytest.raises(FieldError) as raised:
        validate_settings({"repository": {"url": url, "type": "git"}})
    assert (raised.value.field, code_of(raised.value)) == ("repository.url", "invalid")


@pytest.mark.parametrize(("environ", "allowed"), [
    ({}, True),
    ({"PERSISTENCE_MODULE": "eventsourcing.postgres"}, False),
    ({"PERSISTENCE_MODULE": "eventsourcing.postgres", "DOCSPLANE_ALLOW_LOCAL_REPOSITORIES": "true"}, True),
    ({"DOCSPLANE_ALLOW_LOCAL_REPOSITORIES": "false"}, False),
])
def test_local_repositories_are_allowed_by_default_only_on_the_embedded_sqlite(environ, allowed):
    settings = Settings.from_env({"DOCSPLANE_DATA_DIR": "/tmp/docsplane-unused", **environ})
    assert settings.allow_local_repositories is allowed
    assert Settings.from_env(settings.as_environ()).allow_local_repositories is allowed
