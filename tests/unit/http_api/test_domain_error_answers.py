"""Every error the domain names has its answer in the API's one table."""

import inspect

import pytest

import domain.errors
from api.errors import answer_for, code_of
from domain.errors import (
    AlreadyLinked, DomainError, FieldError, LastMaintainer, NotAllowed, SlugTaken, StaleWrite, StateMovedOn,
    RequiredValueMissing, TranslationTargetMissing, UnknownResource,
)

NAMED = [kind for _, kind in inspect.getmembers(domain.errors, inspect.isclass)
         if issubclass(kind, DomainError) and kind not in (DomainError, FieldError)]


@pytest.mark.parametrize("kind", NAMED, ids=lambda kind: kind.__name__)
def test_every_named_error_has_an_answer(kind):
    answer = answer_for(kind.__new__(kind))
    assert (answer.status == 422) == issubclass(kind, FieldError)


@pytest.mark.parametrize(("error", "code"), [
    (SlugTaken("Project", "name", "taken"), "already_exists"),
    (AlreadyLinked("Subproject", "child", "linked"), "already_exists"),
    (TranslationTargetMissing("Project", "translation_of", "none"), "missing"),
    (RequiredValueMissing("Project", "repository.url", "required"), "missing_field"),
    (LastMaintainer("Maintainer", "username", "only one"), "invalid"),
])
def test_a_field_error_answers_its_seed_code(error, code):
    assert code_of(error) == code


def test_other_errors_answer_their_status():
    statuses = [answer_for(error).status for error in (
        UnknownResource("x"), NotAllowed("x"), StateMovedOn("x"), StaleWrite(expected=1, current=2))]
    assert statuses == [404, 403, 409, 412]


def test_a_stale_write_carries_both_versions():
    error = StaleWrite(expected=3, current=5)
    assert (error.expected, error.current) == (3, 5)
    assert answer_for(error).message(error) == (
        "Precondition failed: the resource changed since it was read (version 5, If-Match named 3)")
