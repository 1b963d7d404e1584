"""The `docsplane` command: serve, docs-server, users, projector, replay, verify, dispatcher, worker, relay, webhooks, artifacts, subscribe, audit, status."""

from __future__ import annotations

import argparse
import os
import signal
import sys

from commands.handling.request_context import request_context
from docsplane import audit_cli, logs
from docsplane.operator_cli import replay, status, verify
from docsplane.bootstrap import build
from docsplane.settings import ConfigurationError
from docsplane.unavailable import UNAVAILABLE_ERRORS, unavailable_store
from domain.errors import DomainError
from projections.registry import PROJECTIONS
from workers.following.background import artifacts_loop, dispatcher_loop, projector_loop, relay_loop, serving, webhooks_loop
from workers.following.log_wakeups import wake_on_appends


def run_in_foreground(loop, banner: str, docsplane) -> int:
    """Run a supervised loop until Ctrl-C or SIGTERM, woken by appends of any process."""
    wake_on_appends(docsplane.app, loop)
    signal.signal(signal.SIGTERM, lambda *_: loop.request_stop())
    print(banner, flush=True)
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass
    return 0


def serve(args) -> int:
    from docsplane.http_server import create_server
    from docsplane.web import api_and_docs_app

    from workers.sandbox.sandbox import SandboxRefused

    docsplane = build()
    try:
        serving(docsplane)
    except SandboxRefused as refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return 2
    me = os.path.relpath(sys.argv[0]) if os.path.isabs(sys.argv[0]) else sys.argv[0]
    print(f"docsplane API on http://{args.host}:{args.port}/api/v3/  (data: {docsplane.settings.data_dir})")
    print(f"Create a user and its API token (in another terminal):   {me} users create alice")
    print("Then:  curl -H 'Authorization: Token <token>' http://%s:%d/api/v3/projects/" % (args.host, args.port))
    print("Built documentation: " + docsplane.settings.docs_url.format(project="<project>", language="<lang>",
                                                                         version="<version>", port=f":{args.port}"))
    sys.stdout.flush()
    server = create_server(api_and_docs_app(docsplane), host=args.host, port=args.port, threads=args.threads,
                           ident="docsplane", max_body_bytes=docsplane.settings.max_body_bytes)
    server.print_listen("Serving on http://{}:{}")
    server.run()
    return 0


def docs_server(args) -> int:
    """The docs host alone (production: behind nginx, beside the API's processes)."""
    from docsplane.bootstrap import build_docs_host
    from docsplane.http_server import create_server
    from docshost.app import DocsHost

    read_side = build_docs_host()
    server = create_server(DocsHost(read_side), host=args.host, port=args.port, threads=args.threads,
                           ident="docsplane-docs", max_body_bytes=read_side.settings.max_body_bytes)
    server.print_listen("Serving documentation on http://{}:{}")
    server.run()
    return 0


def users_create(args) -> int:
    docsplane = build()
    written = docsplane.users.create_user(args.username)
    docsplane.catch_up()  # the token authenticates as soon as this command returns
    print(f"Created user '{args.username}'. API token (shown once, stored only as a hash): {written.value}")
    return 0


def users_token(args) -> int:
    docsplane = build()
    access = "read" if args.read_only else "write"
    written = docsplane.users.issue_token(args.username, name=args.name, projects=args.projects, access=access)
    docsplane.catch_up()
    issued = written.value
    limited = f"projects {', '.join(issued.projects)}" if issued.projects else "all projects"
    print(f"New {access} API token {issued.id} for '{args.username}' ({limited}; shown once): {issued.token}")
    return 0


def projector(args) -> int:
    docsplane = build()
    banner = f"projector following the event log ({', '.join(p.name for p in docsplane.projectors)})"
    return run_in_foreground(projector_loop(docsplane), banner, docsplane)


def dispatcher(args) -> int:
    docsplane = build()
    if not docsplane.settings.amqp_url:
        return _needs_broker("dispatcher", "the in-memory job queue is seen only by a worker in the same process")
    return run_in_foreground(dispatcher_loop(docsplane), f"dispatcher: triggered builds -> queue {docsplane.settings.build_queue!r}", docsplane)


def relay(args) -> int:
    docsplane = build()
    if not docsplane.settings.amqp_url:
        return _needs_broker("relay", "there is no broker to relay to")
    return run_in_foreground(relay_loop(docsplane), f"relay: every event -> exchange {docsplane.settings.events_exchange!r}", docsplane)


def worker(args) -> int:
    from workers.following.background import Background, build_worker, reaper_loop
    from workers.sandbox.sandbox import SandboxRefused

    docsplane = build()
    if not docsplane.settings.amqp_url:
        return _needs_broker("worker", "the in-memory job queue is seen only in one process; `docsplane serve` runs a worker itself")
    try:
        consumer = build_worker(docsplane)  # probes the sandbox first
    except SandboxRefused as refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return 2
    background = Background(docsplane)
    background.start(reaper_loop(docsplane))
    background.start(artifacts_loop(docsplane))  # the store is where the workers are
    signal.signal(signal.SIGTERM, lambda *_: consumer.stop())  # ends once the running build has
    print(f"{consumer.name}: running builds and version syncs from queue {docsplane.settings.build_queue!r} (and its .syncs)", flush=True)
    try:
        consumer.run_until_stopped()
    except KeyboardInterrupt:
        pass  # a build cut short here is retried once its lease expires
    return 0


def webhooks(args) -> int:
    docsplane = build()
    return run_in_foreground(webhooks_loop(docsplane), "webhooks: build events -> signed POSTs to the projects' webhooks", docsplane)


def artifacts(args) -> int:
    docsplane = build()
    return run_in_foreground(artifacts_loop(docsplane), "artifacts: deleted projects and versions -> their output removed", docsplane)


def subscribe(args) -> int:
    from docsplane.settings import Settings
    from workers.subscriber import SubscriptionFailed, subscribe as print_events

    settings = Settings.from_env()
    if not settings.amqp_url:
        return _needs_broker("subscribe", "events are published only to RabbitMQ")
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop like Ctrl-C

    def ready() -> None:
        print(f"subscribed to {settings.events_exchange!r} with {args.binding_key!r} (Ctrl-C stops)", file=sys.stderr, flush=True)

    try:
        print_events(settings.amqp_url, settings.events_exchange, args.binding_key, on_ready=ready)
    except SubscriptionFailed as error:
        print(f"error: cannot subscribe: {error}", file=sys.stderr)
        return 2
    return 0


def _needs_broker(command: str, why: str) -> int:
    print(f"error: `docsplane {command}` needs DOCSPLANE_AMQP_URL (e.g. amqp://guest:guest@127.0.0.1:5672/%2F): {why}",
          file=sys.stderr)
    return 2


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="docsplane", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    p = commands.add_parser("serve", help="serve the API (with an in-process projector)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, default=8)
    p.set_defaults(run=serve)
    p = commands.add_parser("docs-server", help="serve the built documentation alone (docs hosts; the projector runs elsewhere)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=int(os.environ.get("DOCS_PORT", "8001")))
    p.add_argument("--threads", type=int, default=8)
    p.set_defaults(run=docs_server)
    users = commands.add_parser("users", help="manage users").add_subparsers(dest="users_command", required=True)
    p = users.add_parser("create", help="create a user; prints its API token last")
    p.add_argument("username")
    p.set_defaults(run=users_create)
    p = users.add_parser("token", help="issue another API token for a user; prints it last")
    p.add_argument("username")
    p.add_argument("--project", dest="projects", action="append", metavar="SLUG",
                   help="limit the token to this project (repeatable; default: all the user's projects)")
    p.add_argument("--read-only", action="store_true", help="the token may only read (GET, HEAD, OPTIONS)")
    p.add_argument("--name", default="", help="a name to tell the token apart")
    p.set_defaults(run=users_token)
    commands.add_parser("projector", help="follow the event log into the read models").set_defaults(run=projector)
    p = commands.add_parser("replay", help="rebuild read models from the event log, beside the live ones, then swap")
    p.add_argument("--projection", default=None, choices=list(PROJECTIONS), help="only this read model (default: all)")
    p.add_argument("--batch-size", type=int, default=5000, help="events per committed batch (default: 5000)")
    p.set_defaults(run=replay)
    p = commands.add_parser("verify", help="compare every read model with a replay of the event log into scratch "
                                           "tables (reads only); exit 0 equal, 1 different")
    p.add_argument("--projection", default=None, choices=list(PROJECTIONS), help="only this read model (default: all)")
    p.set_defaults(run=verify)
    commands.add_parser("dispatcher", help="turn triggered builds into jobs on the build queue").set_defaults(run=dispatcher)
    commands.add_parser("relay", help="publish every event to the RabbitMQ events exchange").set_defaults(run=relay)
    commands.add_parser("worker", help="run builds from the build queue, one at a time").set_defaults(run=worker)
    commands.add_parser("webhooks", help="POST build events to the projects' webhooks, with retries").set_defaults(run=webhooks)
    commands.add_parser("artifacts", help="remove the stored output of deleted projects and versions").set_defaults(run=artifacts)
    p = commands.add_parser("subscribe", help="print events from RabbitMQ as JSON lines as they arrive")
    p.add_argument("binding_key", nargs="?", default="#",
                   help="AMQP topic binding key: <aggregate>.<project-slug>.<EventName>, e.g. 'project.pip.#' (default: '#')")
    p.set_defaults(run=subscribe)
    audit_cli.add_parser(commands)
    p = commands.add_parser("status", help="event store head, positions and lags, loops' heartbeats and errors; "
                                           "exit 0 ok, 1 degraded, 2 unavailable")
    p.add_argument("--json", action="store_true", help="the report as JSON (as GET /api/v3/_health answers it)")
    p.set_defaults(run=status)
    return root


def main(argv=None) -> int:
    logs.configure()
    args = parser().parse_args(argv)
    try:
        with request_context():  # a command's writes share a request id (long-running loops set one per job)
            return args.run(args)
    except ConfigurationError as error:  # a setting, or the secrets key, this process cannot run with
        print(f"error: {error}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"error: {getattr(error, 'message', '') or error}", file=sys.stderr)
        return 1
    except UNAVAILABLE_ERRORS as error:  # a store is away (at start-up, or later): one line, no traceback
        if unavailable_store(error) is None:
            raise
        from docsplane.health import unreachable
        from docsplane.settings import Settings

        print(f"error: {unreachable(Settings.from_env(), error)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
