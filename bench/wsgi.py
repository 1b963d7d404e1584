"""WSGI entry point for the benchmark: `gunicorn -w 2 -k gthread --threads 8 'bench.wsgi:app'`.

Built from the environment (docsplane.settings.Settings.from_env) in each worker process (no
--preload: every worker gets its own event-store and read-store connection pools). No projector
runs in-process here, whatever DOCSPLANE_RUN_PROJECTOR says: run `docsplane projector` as its own
process, as the production deployment (docker-compose.yml) does.
"""

from api.app import create_app
from docsplane.bootstrap import build

docsplane = build()
app = create_app(docsplane)
