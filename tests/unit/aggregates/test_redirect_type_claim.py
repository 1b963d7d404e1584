"""The claim that keeps a project to one redirect of each clean-URL type."""

from uuid import uuid4

import pytest

from api.errors import code_of
from domain.errors import FieldError
from domain.ids import redirect_type_claim_id
from domain.redirect_type_claim import RedirectTypeClaim


def test_a_claim_is_held_by_one_redirect_until_released():
    project_id = uuid4()
    claim = RedirectTypeClaim(project_id=project_id, type="clean_url_to_html", owner=4, actor="alice")
    assert claim.id == redirect_type_claim_id(project_id, "clean_url_to_html") != redirect_type_claim_id(project_id, "html_to_clean_url")
    claim.require_free_for(4)  # its own holder
    with pytest.raises(FieldError) as raised:
        claim.claim(5, "alice")
    assert (raised.value.resource, raised.value.field, code_of(raised.value)) == ("Redirect", "type", "already_exists")
    claim.release(5, "alice")  # not the holder: nothing
    assert claim.owner == 4
    claim.release(4, "alice")
    claim.claim(5, "alice")
    assert claim.owner == 5
    assert [type(e).__name__ for e in claim.collect_events()] == [
        "RedirectTypeClaimed", "RedirectTypeReleased", "RedirectTypeReclaimed"]
