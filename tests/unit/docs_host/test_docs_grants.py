"""Signed grants for the docs host (docshost/grants.py)."""

from docshost.grants import Grants


def test_a_grant_names_its_holder_for_its_project_until_it_expires():
    grants = Grants(b"k" * 44, ttl=60)
    grant = grants.issue("alice", "pip", now=1000)
    assert grants.holder(grant, "pip", now=1059) == "alice"
    assert grants.holder(grant, "pip", now=1061) is None
    assert grants.holder(grant, "other", now=1000) is None
    assert Grants(b"x" * 44).holder(grant, "pip", now=1000) is None  # another key
    claims, signature = grant.split(".")
    assert grants.holder(f"{claims}x.{signature}", "pip", now=1000) is None
    assert grants.holder("", "pip") is None and grants.holder("a.b", "pip") is None and grants.holder("%%%.", "pip") is None
