"""Absolute URLs of resources, built from the request's own host."""

from flask import request


def absolute(path: str) -> str:
    return request.host_url.rstrip("/") + path


def project_path(slug: str) -> str:
    return f"/api/v3/projects/{slug}/"


def version_path(project_slug: str, version_slug: str) -> str:
    return f"/api/v3/projects/{project_slug}/versions/{version_slug}/"


def build_path(project_slug: str, number: int) -> str:
    return f"/api/v3/projects/{project_slug}/builds/{number}/"
