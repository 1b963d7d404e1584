"""A real nginx with the shipped docs config (deploy/docs-nginx.conf.template), rendered for a free port
in a private prefix and run in the foreground as a child process; for the benchmark and the tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "docs-nginx.conf.template"
ACCEL_PREFIX = "/_docsplane_artifacts/"
MAIN = """daemon off;
{user}
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    keepalive_requests 100000;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/docs.conf;
{extra}
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_nginx(prefix: Path, upstream: str, artifacts_root: Path, domain: str = "docs.localhost", extra: str = "",
                workers: int = 1) -> tuple[subprocess.Popen, int]:
    """nginx in front of `upstream` (host:port) on a free port; (process, port). `extra`: more of the http block."""
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError("nginx is not installed (Debian: apt-get install nginx)")
    port = free_port()
    prefix.mkdir(parents=True, exist_ok=True)
    rendered = Template(TEMPLATE.read_text()).safe_substitute(
        DOCS_LISTEN=f"127.0.0.1:{port}", DOCS_DOMAIN=domain, DOCS_UPSTREAM=upstream, ARTIFACTS_ROOT=str(artifacts_root))
    (prefix / "docs.conf").write_text(rendered)
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read private temporary directories
    (prefix / "nginx.conf").write_text(MAIN.format(prefix=prefix, extra=extra, user=user, workers=workers))
    process = subprocess.Popen([binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {(prefix / 'error.log').read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("nginx did not start listening")


def stop_nginx(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
