"""Which requests go to the docs host (docshost/hosts.py), from DOCSPLANE_DOCS_URL's template."""

import pytest

from docshost.hosts import docs_domain, is_docs_host, project_slug
from docsplane.settings import Settings


def test_the_docs_domain_comes_from_the_template():
    assert docs_domain("http://{project}.docs.localhost{port}/{language}/{version}/") == "docs.localhost"
    assert docs_domain("https://{project}.Docs.Example.com:8443/{language}/{version}/") == "docs.example.com"


@pytest.mark.parametrize("template", ["http://127.0.0.1:8000/docs/{project}/{version}/", "http://docs.example.com/{project}/",
                                      "http://{project}{port}/", "http://x.{project}.example.com/"])
def test_a_template_without_a_host_per_project_is_refused_at_start(template):
    with pytest.raises(ValueError, match="host of its own"):
        Settings.from_env({"DOCSPLANE_DOCS_URL": template})


def test_the_project_is_the_label_before_the_docs_domain():
    assert project_slug("pip.docs.localhost:8000", "docs.localhost") == "pip"
    assert project_slug("PIP.docs.localhost", "docs.localhost") == "pip"
    for host in ("docs.localhost", "a.b.docs.localhost", "127.0.0.1:8000", "pip.docs.localhost.evil.com", "-x.docs.localhost"):
        assert project_slug(host, "docs.localhost") is None, host
    assert is_docs_host("a.b.docs.localhost:1", "docs.localhost") and not is_docs_host("localhost:8000", "docs.localhost")
