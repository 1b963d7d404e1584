"""The `docsplane` command: serve, users, projector, replay."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys

from docsplane.bootstrap import build
from domain.errors import DomainError


def start_projector(docsplane):
    """Run the projector loop in a thread, woken by this process's own writes."""
    from workers.projector import ProjectorLoop

    loop = ProjectorLoop(docsplane.projectors, docsplane.settings.poll_interval)
    docsplane.app.listeners.append(lambda recordings: loop.wake.set())
    loop.start_thread()
    return loop


def serve(args) -> int:
    import waitress

    from api.app import create_app

    docsplane = build()
    if docsplane.settings.run_projector:
        start_projector(docsplane)
    me = os.path.relpath(sys.argv[0]) if os.path.isabs(sys.argv[0]) else sys.argv[0]
    print(f"docsplane API on http://{args.host}:{args.port}/api/v3/  (data: {docsplane.settings.data_dir})")
    print(f"Create a user and its API token (in another terminal):   {me} users create alice")
    print("Then:  curl -H 'Authorization: Token <token>' http://%s:%d/api/v3/projects/" % (args.host, args.port))
    sys.stdout.flush()
    waitress.serve(create_app(docsplane), host=args.host, port=args.port, threads=args.threads, ident="docsplane")
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
    from workers.projector import ProjectorLoop

    docsplane = build()
    loop = ProjectorLoop(docsplane.projectors, docsplane.settings.poll_interval)
    signal.signal(signal.SIGTERM, lambda *_: loop.stop.set())
    print(f"projector following the event log ({', '.join(p.name for p in docsplane.projectors)})", flush=True)
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass
    return 0


def replay(args) -> int:
    docsplane = build()
    selected = [p for p in docsplane.projectors if args.projection in (None, p.name)]
    if not selected:
        print(f"no projection named '{args.projection}'", file=sys.stderr)
        return 2
    for p in selected:
        applied = p.rebuild()
        print(f"{p.name}: rebuilt from {applied} events")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="docsplane", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    p = commands.add_parser("serve", help="serve the API (with an in-process projector)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, default=8)
    p.set_defaults(run=serve)
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
    p = commands.add_parser("replay", help="rebuild read models from the event log")
    p.add_argument("--projection", default=None, help="only this read model")
    p.set_defaults(run=replay)
    return root


def main(argv=None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except DomainError as error:
        print(f"error: {getattr(error, 'message', '') or error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
