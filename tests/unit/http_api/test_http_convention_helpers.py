"""The pure parts of the HTTP conventions: rate settings (Flask-Limiter counts, api/access/ratelimit.py), Accept
negotiation, ETags, and the read-model rows every ETag relies on."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from api.http.conventions import NotAcceptable, media_type_for
from api.http.etag import tag_of
from docsplane.settings import Rate, Settings, parse_rate
from domain.build import Build
from domain.project import Project
from domain.version import Version
from projections.builds.projection import BuildsProjection
from projections.projects.projection import ProjectsProjection
from projections.versions.projection import VersionsProjection


# -- settings ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text, rate", [
    ("5000/hour", Rate(5000, 3600)), ("60/minute", Rate(60, 60)), ("10/second", Rate(10, 1)),
    ("2/days", Rate(2, 86400)), ("3/30s", Rate(3, 30)), (" 7 / Minutes ", Rate(7, 60)), ("off", None), ("OFF", None),
])
def test_rates_are_read_from_text(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["", "5000", "0/hour", "-1/hour", "5/0s", "5/week", "/hour", "many/hour", "5/1.5s"])
def test_a_malformed_rate_is_refused_when_settings_are_read(text):
    with pytest.raises(ValueError, match="DOCSPLANE_RATE_LIMIT_ANONYMOUS"):
        Settings.from_env({"DOCSPLANE_RATE_LIMIT_ANONYMOUS": text})


def test_rate_settings_default_and_round_trip():
    settings = Settings.from_env({})
    assert (settings.rate_limit_authenticated, settings.rate_limit_anonymous) == ("5000/hour", "60/minute")
    custom = Settings.from_env({"DOCSPLANE_RATE_LIMIT_AUTHENTICATED": "off", "DOCSPLANE_RATE_LIMIT_ANONYMOUS": "5/10s"})
    again = Settings.from_env(custom.as_environ())
    assert (again.rate_limit_authenticated, again.rate_limit_anonymous) == ("off", "5/10s")


# -- Accept ------------------------------------------------------------------------------------
def accept(header: str) -> MIMEAccept:
    return parse_accept_header(header, MIMEAccept)


@pytest.mark.parametrize("header, media_type", [
    ("", "application/json"),
    ("*/*", "application/json"),
    ("application/json", "application/json"),
    ("application/json;q=abc", "application/json"),  # unparseable: as if absent
    ("application/vnd.docsplane.v3+json", "application/vnd.docsplane.v3+json"),
    ("application/vnd.docsplane+json", "application/vnd.docsplane+json"),
    ("application/vnd.docsplane.v3+json;q=0.5, application/json", "application/json"),
    ("application/vnd.docsplane.v1+json, application/vnd.docsplane.v3+json", "application/vnd.docsplane.v3+json"),
    ("application/vnd.docsplane.v2+json;q=0, application/json", "application/json"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
])
def test_media_types_served(header, media_type):
    assert media_type_for(accept(header)) == media_type


@pytest.mark.parametrize("header, mentions", [
    ("application/vnd.docsplane.v2+json", "application/vnd.docsplane.v2+json"),
    ("application/vnd.docsplane.v2+json, */*", "not supported"),
    ("application/xml", "None of the media types"),
    ("application/json;q=0", "None of the media types"),
])
def test_media_types_refused(header, mentions):
    with pytest.raises(NotAcceptable) as refused:
        media_type_for(accept(header))
    assert mentions in str(refused.value) and "application/vnd.docsplane.v3+json" in str(refused.value)


# -- ETags -------------------------------------------------------------------------------------
def test_a_tag_names_the_aggregate_version_and_hashes_the_whole_resource():
    project = {"aggregate_version": 4, "slug": "pip", "active_versions": [{"slug": "latest", "hidden": False}]}
    tag = tag_of(project)
    assert tag.startswith("4-") and len(tag) == 2 + 16
    assert tag_of(dict(reversed(list(project.items())))) == tag  # key order does not matter
    assert tag_of({**project, "active_versions": [{"slug": "latest", "hidden": True}]}) != tag
    assert tag_of({**project, "aggregate_version": 5}).startswith("5-")


@pytest.mark.parametrize("projection, aggregate", [
    (ProjectsProjection, Project), (VersionsProjection, Version), (BuildsProjection, Build),
])
def test_every_event_of_an_aggregate_reaches_the_projection_of_its_rows(projection, aggregate):
    """Each handler sets the row's aggregate_version; an event without one would leave it behind
    the aggregate, and every If-Match on the resource would then be refused."""
    events = [value for value in vars(aggregate).values()
              if isinstance(value, type) and issubclass(value, aggregate.Event) and value not in (aggregate.Event, aggregate.Created)]
    assert events and [e.__name__ for e in events if e not in projection.handlers] == []
