"""A private project does not exist for outsiders: not in any list, detail, flyout, filter or event
answer, neither its own nor another project's (subprojects, translations, superproject, `subproject_of`,
`translation_of`, flyout menus, `expand=`), over real HTTP.

alice has four private projects, all named and slugged with MARK, linked every way to public projects of
hers: a private subproject of a public parent, a public subproject of a private parent, a private
translation of a public original and a public translation of a private original. The private child also
has versions, builds with commands, an environment variable, a redirect, a webhook and an email hook (and
so an audit history). alice, the maintainer, crawls the API from its root, following every URL the
answers hold, with and without the filters and expansions a GET takes; then every outsider GETs every URL
she found:
  anonymous  no token
  other      bob, who maintains a public project of his own
  scoped     alice's own token, limited to her public projects: a project-limited token sees what is
             outside its scope as an outsider does
An URL of a private project answers 404 (401 without a token; 403 for the limited token, whose answer is
the same for a project that does not exist) and shows no name of it; any other URL answers without MARK
anywhere in its body or headers.
"""

from __future__ import annotations

import json
import re

from e2e_support import add_version, assert_json, project_body

MARK = "zqhidden"  # in the name and slug of every private project, and nowhere else
PUBLIC = ("Open Parent", "Open Child", "Open Original", "Open Translation")
PRIVATE = ("Zqhidden Child", "Zqhidden Parent", "Zqhidden Translation", "Zqhidden Original")
QUERIES = {
    # Every filter and expansion a list or detail takes, aimed at the private projects where it can be.
    "/api/v3/projects/": ["?limit=100", f"?name={MARK}", f"?slug={MARK}", "?privacy_level=private",
                          "?expand=active_versions.last_build.config,permissions", "?language=fr"],
    "project": ["?expand=active_versions.last_build.config,permissions", "?as_of=2999-01-01T00:00:00"],
    "versions/": ["?limit=100", "?active=true", "?built=false", "?type=tag", "?slug=1", "?expand=last_build.config"],
    "builds/": ["?limit=100", "?running=true", "?state=triggered", "?success=false", "?expand=config"],
    "version": ["?expand=last_build.config"],
    "build": ["?expand=config"],
    "events/": ["?limit=100", "?type=SubprojectAdded,TranslationAdded,LinkedAsSubproject,LinkedAsTranslation"],
}
URL = re.compile(r"^https?://[^/]+(/api/v3/[^\s\"?#]*)")


def imported(live, token, name, **overrides) -> str:
    return assert_json(live.post("/api/v3/projects/", token, json=project_body(name, **overrides)), 201)["slug"]


def created(live, token, path, body) -> dict:
    return assert_json(live.post(path, token, json=body), 201)


def arrange(live, alice) -> dict[str, str]:
    """alice's projects, public and private, linked every way; returns {name: slug}."""
    languages = {"Open Original": "en", "Zqhidden Translation": "fr", "Zqhidden Original": "it", "Open Translation": "de"}
    slugs = {name: imported(live, alice, name, language=languages.get(name, "en")) for name in PUBLIC}
    slugs |= {name: imported(live, alice, name, language=languages.get(name, "en"), privacy_level="private") for name in PRIVATE}
    for parent, child in (("Open Parent", "Zqhidden Child"), ("Zqhidden Parent", "Open Child")):
        created(live, alice, f"/api/v3/projects/{slugs[parent]}/subprojects/", {"child": slugs[child]})
    for translation, original in (("Zqhidden Translation", "Open Original"), ("Open Translation", "Zqhidden Original")):
        response = live.patch(f"/api/v3/projects/{slugs[translation]}/", alice, json={"translation_of": slugs[original]})
        assert response.status_code == 204, response.text
    hidden = slugs["Zqhidden Child"]
    base = f"/api/v3/projects/{hidden}"
    add_version(live, hidden, "1.0", verbose_name=f"{MARK} 1.0")
    build = created(live, alice, f"{base}/builds/", {"version": "1.0"})["build"]["id"]
    written = live.docsplane.builds.record_command("builder", build, f"echo {MARK}", MARK, 0)
    assert live.docsplane.consistency.wait(written.recordings, 10)
    created(live, alice, f"{base}/builds/", {})
    created(live, alice, f"{base}/environmentvariables/", {"name": "API_KEY", "value": "s3cret"})
    created(live, alice, f"{base}/redirects/", {"type": "page", "from_url": f"/{MARK}/", "to_url": "/b/"})
    created(live, alice, f"{base}/notifications/webhooks/", {"url": f"https://{MARK}.example.com/hook", "events": ["build:failed"]})
    created(live, alice, f"{base}/notifications/emails/", {"email": f"{MARK}@example.com"})
    for name, slug in slugs.items():  # every project has a build, so builds lists and flyouts have something
        if name != "Zqhidden Child":
            created(live, alice, f"/api/v3/projects/{slug}/builds/", {})
    return slugs


def urls_in(value) -> set[str]:
    """The API paths (without query) an answer links to."""
    found: set[str] = set()
    if isinstance(value, dict):
        for item in value.values():
            found |= urls_in(item)
    elif isinstance(value, list):
        for item in value:
            found |= urls_in(item)
    elif isinstance(value, str) and (match := URL.match(value)):
        found.add(match.group(1))
    return found


def with_queries(path: str) -> list[str]:
    """The path, and the path with each filter and expansion its GET takes."""
    tail = re.sub(r"^/api/v3/projects/[^/]+/", "", path)
    if path == "/api/v3/projects/":
        kind = path
    elif tail == "":
        kind = "project"
    elif re.fullmatch(r"versions/[^/]+/", tail):
        kind = "version"
    elif re.fullmatch(r"builds/\d+/", tail):
        kind = "build"
    elif re.fullmatch(r"(versions/[^/]+/)?builds/", tail):
        kind = "builds/"
    else:
        kind = tail
    return [path] + [path + query for query in QUERIES.get(kind, [])]


def crawl(live, token, slugs: dict[str, str]) -> list[str]:
    """Every API URL the maintainer reaches from the root and from each project (flyouts included)."""
    seen: set[str] = set()
    found: set[str] = set()  # what answers the maintainer's GET
    todo = ["/api/v3/", "/api/v3/tokens/"] + [f"/api/v3/projects/{slug}/" for slug in slugs.values()]
    while todo:
        path = todo.pop()
        if path in seen or "/downloads/" in path:
            continue
        seen.add(path)
        response = live.get(path + "?limit=100" if path.endswith("s/") else path, token)
        if response.status_code != 200 or "json" not in response.headers.get("Content-Type", ""):
            continue  # a link to a write (sync-versions/) or a download
        found.add(path)
        body = response.json()
        todo.extend(urls_in(body) - seen)
        for version in body.get("results", []) if path.endswith("/versions/") else []:
            todo.append(f"{path}{version['slug']}/flyout/")
    assert any("/flyout/" in p for p in found) and any("/commands/" in p for p in found), sorted(found)
    return sorted(query for path in found for query in with_queries(path))


def test_private_projects_are_nowhere_for_outsiders(backend, start_live_server, reliability):
    live = start_live_server(backend)
    alice, bob = live.token("alice"), live.token("bob")
    imported(live, bob, "Bobs Own")
    slugs = arrange(live, alice)
    public = [slugs[name] for name in PUBLIC]
    scoped = assert_json(live.post("/api/v3/tokens/", alice, json={"projects": public}), 201)["token"]
    outsiders = {"anonymous": None, "other": bob, "scoped": scoped}
    refusal = {"anonymous": {401, 404}, "other": {404}, "scoped": {403, 404}}
    private_paths = tuple(f"/api/v3/projects/{slugs[name]}/" for name in PRIVATE)
    urls = crawl(live, alice, slugs)
    assert any(url.startswith(private_paths) for url in urls) and len(urls) > 100, len(urls)

    leaks, requests_sent = [], 0
    for caller, token in outsiders.items():
        for url in urls:
            response = live.get(url, token)
            requests_sent += 1
            headers = json.dumps(dict(response.headers))
            if url.startswith(private_paths):
                if response.status_code not in refusal[caller] or any(name.lower() in response.text.lower() for name in PRIVATE):
                    leaks.append(f"{caller} GET {url}: {response.status_code} {response.text[:300]}")
            elif MARK in response.text.lower() or MARK in headers.lower():
                leaks.append(f"{caller} GET {url}: {response.status_code} {response.text[:300]}")
            elif response.status_code >= 500:
                leaks.append(f"{caller} GET {url}: {response.status_code}")
    assert not leaks, f"{len(leaks)} answers show a private project to an outsider:\n" + "\n".join(leaks)
    reliability.record("Private projects: every URL × 3 outsiders, no trace of them", requests=requests_sent,
                       urls=len(urls), leaks_found=len(leaks))
