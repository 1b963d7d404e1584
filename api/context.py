"""Access to the wired application from inside a request."""

from flask import current_app, g


def services():
    """The Docsplane container built by the composition root."""
    return current_app.extensions["docsplane"]


def current_user() -> str:
    return g.user
