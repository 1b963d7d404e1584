"""The docs host's figures (issue 16): a public page served by the docs host alone under gunicorn, against a
bare Flask route under the same settings; and the same page through nginx with docsplane's decision
(X-Accel-Redirect), against nginx serving the file directly. Each pair measured in alternating windows."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.nginx import ACCEL_PREFIX, free_port, start_nginx, stop_nginx
from bench.support import Config, Row, Services, alternating_loads, fresh_database, in_process, percent, service_env

SLUG = "bench-docs"
HOST = {"Host": f"{SLUG}.docs.localhost"}
WORKER = "bench-worker"
# About the size of a Sphinx page.
PAGE = "<!DOCTYPE html><html><head><title>bench</title></head><body>" + "<p>Lorem ipsum dolor sit amet.</p>" * 300 + "</body></html>"


def publish(env: dict) -> Path:
    """A project whose `latest` published one page, through the commands a build worker uses; the page's file."""
    c = in_process(env)
    try:
        c.users.create_user("bench")
        c.projects.import_project("bench", {"name": "Bench Docs", "repository": {"url": "https://github.com/example/bench", "type": "git"},
                                            "language": "en", "programming_language": "py", "homepage": None,
                                            "default_branch": "main", "privacy_level": "public", "tags": []})
        number = c.builds.trigger_build("bench", SLUG, "latest").value
        c.build_leases.lease_build(WORKER, number)
        c.builds.change_build_state(WORKER, number, "building")
        with tempfile.TemporaryDirectory() as output:
            Path(output, "html").mkdir()
            Path(output, "html", "index.html").write_text(PAGE)
            release = c.artifacts.publish(SLUG, "latest", Path(output))
        c.versions.record_publication(WORKER, number, release)
        c.builds.finish_build(WORKER, number, True)
        c.catch_up()
        return c.artifacts.resolve(SLUG, "latest", release.release_id, "html/index.html")
    finally:
        c.close()


def run(cfg: Config) -> list[Row]:
    with fresh_database("docs") as dbname:
        workdir = cfg.workdir / "docs"
        env = service_env(dbname, workdir)
        page = publish(env)
        with Services(workdir, env) as services, Services(workdir / "accel", {**env, "DOCSPLANE_DOCS_ACCEL_REDIRECT": ACCEL_PREFIX}) as accel:
            docs = services.gunicorn("docsplane.wsgi:docs_app", name="docs", probe="/en/latest/", headers=HOST)
            bare = services.gunicorn("bench.bare_app:app", name="bare", probe="/bare/")
            alone, flask = alternating_loads([
                ("docs page (docs host)", {"method": "GET", "url": f"{docs}/en/latest/", "headers": HOST}, None),
                ("bare Flask route", {"method": "GET", "url": f"{bare}/bare/"}, None),
            ], cfg.clients, cfg.warmup, cfg.duration)
            decider = accel.gunicorn("docsplane.wsgi:docs_app", name="docs-accel", probe="/en/latest/", headers=HOST)
            direct_port = free_port()
            nginx, port = start_nginx(workdir / "nginx", decider.removeprefix("http://"), Path(env["DOCSPLANE_DATA_DIR"]) / "artifacts",
                                      extra=f"server {{ listen 127.0.0.1:{direct_port}; root {page.parent}; }}", workers=2)
            try:
                fronted, plain = alternating_loads([
                    ("docs page (nginx + decision)", {"method": "GET", "url": f"http://127.0.0.1:{port}/en/latest/", "headers": HOST}, None),
                    ("nginx direct", {"method": "GET", "url": f"http://127.0.0.1:{direct_port}/index.html"}, None),
                ], cfg.clients, cfg.warmup, cfg.duration)
            finally:
                stop_nginx(nginx)
    alone_ratio, fronted_ratio = alone["rate"] / flask["rate"], fronted["rate"] / plain["rate"]
    return [
        Row(f"docs page req/s, docs host alone ({cfg.clients} clients)", f"{alone['rate']:.0f}/s",
            f"bare Flask JSON route {flask['rate']:.0f}/s", percent(alone_ratio), ">= 60%", alone_ratio >= 0.6,
            [f"docs host p50 {alone['p50']:.1f} ms p99 {alone['p99']:.1f} ms; bare p50 {flask['p50']:.1f} ms"]),
        Row(f"docs page req/s, nginx + decision ({cfg.clients} clients)", f"{fronted['rate']:.0f}/s",
            f"nginx serving the file {plain['rate']:.0f}/s", percent(fronted_ratio), ">= 25%", fronted_ratio >= 0.25,
            [f"nginx + decision p50 {fronted['p50']:.1f} ms p99 {fronted['p99']:.1f} ms; nginx direct p50 {plain['p50']:.1f} ms"]),
    ]

