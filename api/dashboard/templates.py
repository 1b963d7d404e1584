"""The dashboard's HTML, one layout (Jinja, autoescaped). No script: these pages only link."""

LAYOUT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }} · docsplane</title>
<style nonce="{{ nonce }}">body{font:15px/1.5 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em}
table{border-collapse:collapse}td,th{padding:.2em .8em;border-bottom:1px solid #ddd;text-align:left}
pre{background:#f6f6f6;padding:.6em;overflow:auto;white-space:pre-wrap}nav a{margin-right:1em}</style></head>
<body><nav><a href="/projects/{{ project.slug }}/">{{ project.name }}</a><a href="/projects/{{ project.slug }}/versions/">Versions</a>
<a href="/projects/{{ project.slug }}/builds/">Builds</a><a href="/projects/{{ project.slug }}/downloads/">Downloads</a>
<a href="{{ docs }}">Documentation</a><a href="{{ api }}">API</a></nav>
<h1>{{ title }}</h1>{% block body %}{% endblock %}</body></html>"""

PROJECT = """{% extends layout %}{% block body %}
<table><tr><th>Slug</th><td>{{ project.slug }}</td></tr><tr><th>Language</th><td>{{ project.language }}</td></tr>
<tr><th>Repository</th><td>{{ project.repository_url }}</td></tr><tr><th>Default version</th><td>{{ project.default_version }}</td></tr>
<tr><th>Privacy</th><td>{{ project.privacy_level }}</td></tr></table>
{% if maintainer %}<p><a href="/projects/{{ project.slug }}/docs-access/">Read this project's private versions in this browser</a>
(a grant for its docs host, valid for an hour)</p>{% endif %}
<h2>Active versions</h2><ul>{% for v in versions %}<li><a href="/projects/{{ project.slug }}/versions/{{ v.slug }}/">{{ v.verbose_name }}</a>
{% if v.built %}— <a href="{{ docs_of(v) }}">read</a>{% endif %}</li>{% else %}<li>none</li>{% endfor %}</ul>
{% endblock %}"""

VERSIONS = """{% extends layout %}{% block body %}<table><tr><th>Version</th><th>Type</th><th>Active</th><th>Built</th><th>Privacy</th><th></th></tr>
{% for v in versions %}<tr><td><a href="/projects/{{ project.slug }}/versions/{{ v.slug }}/">{{ v.verbose_name }}</a></td>
<td>{{ v.type }}</td><td>{{ v.active }}</td><td>{{ v.built }}</td><td>{{ v.privacy_level }}</td>
<td>{% if v.active and v.built %}<a href="{{ docs_of(v) }}">read</a>{% endif %}</td></tr>{% endfor %}</table>{% endblock %}"""

VERSION = """{% extends layout %}{% block body %}
<table><tr><th>Slug</th><td>{{ version.slug }}</td></tr><tr><th>Identifier</th><td>{{ version.identifier }}</td></tr>
<tr><th>Type</th><td>{{ version.type }}</td></tr><tr><th>Active</th><td>{{ version.active }}</td></tr>
<tr><th>Built</th><td>{{ version.built }}</td></tr><tr><th>Privacy</th><td>{{ version.privacy_level }}</td></tr></table>
{% if version.active and version.built %}<p><a href="{{ docs_of(version) }}">Read this version</a></p>{% endif %}
{% if maintainer %}<p>Change it through the API: <code>PATCH {{ api }}versions/{{ version.slug }}/</code> with
<code>active</code>, <code>hidden</code> or <code>privacy_level</code>.</p>{% endif %}
<h2>Builds</h2><ul>{% for b in builds %}<li><a href="/projects/{{ project.slug }}/builds/{{ b.id }}/">#{{ b.id }}</a> {{ b.state }}
{% if b.success is not none %}({{ "passed" if b.success else "failed" }}){% endif %}</li>{% else %}<li>none</li>{% endfor %}</ul>
{% endblock %}"""

BUILDS = """{% extends layout %}{% block body %}<table><tr><th>Build</th><th>Version</th><th>State</th><th>Result</th><th>Created</th></tr>
{% for b in builds %}<tr><td><a href="/projects/{{ project.slug }}/builds/{{ b.id }}/">#{{ b.id }}</a></td><td>{{ b.version_slug }}</td>
<td>{{ b.state }}</td><td>{% if b.success is not none %}{{ "passed" if b.success else "failed" }}{% endif %}</td><td>{{ b.created }}</td></tr>
{% endfor %}</table>{% endblock %}"""

BUILD = """{% extends layout %}{% block body %}
<table><tr><th>Version</th><td><a href="/projects/{{ project.slug }}/versions/{{ build.version_slug }}/">{{ build.version_slug }}</a></td></tr>
<tr><th>State</th><td>{{ build.state }}</td></tr>
<tr><th>Result</th><td>{% if build.success is not none %}{{ "passed" if build.success else "failed" }}{% endif %}</td></tr>
<tr><th>Error</th><td>{{ build.error or "" }}</td></tr><tr><th>Commit</th><td>{{ build.commit_hash or "" }}</td></tr>
<tr><th>Created</th><td>{{ build.created }}</td></tr><tr><th>Finished</th><td>{{ build.finished or "" }}</td></tr></table>
<h2>Commands</h2>{% for c in commands %}<h3><code>{{ c.command }}</code> → {{ c.exit_code if c.exit_code is not none else "running" }}</h3>
<pre>{{ c.output }}</pre>{% else %}<p>No commands yet.</p>{% endfor %}{% endblock %}"""

DOWNLOADS = """{% extends layout %}{% block body %}<table><tr><th>Version</th><th>Formats</th></tr>
{% for v in versions %}<tr><td>{{ v.slug }}</td><td>{% for kind in v.formats %}
<a href="/projects/{{ project.slug }}/downloads/{{ kind }}/{{ v.slug }}/">{{ kind }}</a> {% endfor %}</td></tr>
{% else %}<tr><td colspan="2">Nothing built to download yet.</td></tr>{% endfor %}</table>{% endblock %}"""
