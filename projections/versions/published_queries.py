"""Which release of a version's output the docs host serves: the one its last VersionPublished named."""

import orjson


def published_release(store, project_slug: str, version_slug: str) -> dict | None:
    """{release_id, formats, content_hash, published_at} of the version's published output; None when
    the version does not exist or nothing was published yet."""
    row = store.fetchone(
        "SELECT published_release, published_formats, published_hash, published_at FROM versions"
        " WHERE project_slug = ? AND slug = ?",
        (project_slug, version_slug),
    )
    if row is None or row["published_release"] is None:
        return None
    return {"release_id": row["published_release"], "formats": orjson.loads(row["published_formats"]),
            "content_hash": row["published_hash"], "published_at": row["published_at"]}
