"""Our Blueprint: flask-smorest's, reading request bodies through api.body.BodyParser."""

import flask_smorest

from api.body import BodyParser


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = BodyParser()
