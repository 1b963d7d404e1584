"""The docs host's own small pages: what it answers when a project has no 404.html of its own."""

from html import escape

NOT_FOUND = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>404 Not Found</title></head>
<body><h1>Not Found</h1><p>There is no page at <code>{path}</code>.</p>{home}</body></html>
"""


def not_found(path: str, home: str | None) -> str:
    link = f'<p><a href="{escape(home)}">Go to the documentation\'s home</a></p>' if home else ""
    return NOT_FOUND.format(path=escape(path), home=link)


NOT_BUILT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{name} {version}: not built</title></head>
<body><h1>{name} {version}</h1><p>This version has no documentation yet: it is {state}.</p>
<p><a href="{home}">Read the default version</a></p></body></html>
"""


def not_built(project: dict, version: dict, home: str) -> str:
    state = "inactive" if not version["active"] else "not built yet"
    return NOT_BUILT.format(name=escape(project["name"]), version=escape(version["verbose_name"]), state=state, home=escape(home))
