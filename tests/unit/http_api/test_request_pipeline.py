"""The request pipeline: the hooks around every view, in the order they run."""

import functools

from flask import Flask

from api import pipeline
from docsplane.settings import Settings


def _name(hook) -> str:
    hook = hook.func if isinstance(hook, functools.partial) else hook
    if hook.__module__.startswith("flask_limiter"):
        return "Flask-Limiter"  # its own hooks, named as it pleases
    return f"{hook.__module__.rsplit('.', 1)[-1]}.{hook.__name__}"


def _hooks(tmp_path):
    app = Flask("pipeline")
    pipeline.install(app, Settings.from_env({"DOCSPLANE_DATA_DIR": str(tmp_path)}))
    # Flask runs after_request and teardown_request hooks last-registered first.
    return (
        [_name(hook) for hook in app.before_request_funcs[None]],
        [_name(hook) for hook in reversed(app.after_request_funcs[None])],
        [_name(hook) for hook in reversed(app.teardown_request_funcs[None])],
    )


def test_before_the_view_ids_come_first_then_the_limit_conventions_authentication_body_and_idempotency(tmp_path):
    before, _, _ = _hooks(tmp_path)
    assert before == [
        "request_ids.start", "Flask-Limiter", "conventions.require_user_agent", "conventions.negotiate",
        "text.require_storable_url", "auth.authenticate", "body.parse_body", "scopes.authorize_body",
        "sparse_fields.check_selection", "idempotency.begin",
    ]


def test_after_the_view_idempotency_records_first_and_the_browsable_page_is_drawn_last(tmp_path):
    _, after, _ = _hooks(tmp_path)
    assert after == [
        "idempotency.finish", "etag.add_etag", "options.answer_options_in_json",
        "conventions.answer_in_negotiated_type", "ratelimit.add_headers", "Flask-Limiter", "request_ids.echo",
        "html_answers.render",
    ]


def test_teardown_unwinds_idempotency_then_the_limiter_then_the_request_ids(tmp_path):
    _, _, teardown = _hooks(tmp_path)
    assert teardown == ["idempotency.end", "Flask-Limiter", "request_ids.end"]
