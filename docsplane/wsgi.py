"""WSGI entry for production servers: `gunicorn -k gthread 'docsplane.wsgi:app'`.

Under gunicorn the projector runs as its own process (`docsplane projector`), so each API worker
only serves requests."""

from api.app import create_app
from docsplane import logs
from docsplane.bootstrap import build

logs.configure()
app = create_app(build())
