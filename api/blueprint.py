"""Our Blueprint: flask-smorest's, reading request bodies through api.http.body.BodyParser and selecting
response fields through api.representation.sparse_fields."""

import flask_smorest

from api.http.body import BodyParser
from api.representation.sparse_fields import select


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = BodyParser()

    @staticmethod
    def _prepare_response_content(data):
        """flask-smorest's hook on every dumped response body: apply ?fields= / ?omit=."""
        return select(data)
