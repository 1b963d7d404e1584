"""OPTIONS answered in JSON: Flask answers it by itself with an empty HTML body and an Allow header."""

import json

from flask import request


def answer_options_in_json(response):
    """after_request: the methods of Allow as `{"methods": [...]}`."""
    if request.method == "OPTIONS" and response.status_code == 200 and not response.get_data():
        methods = [m.strip() for m in response.headers.get("Allow", "").split(",") if m.strip()]
        response.set_data(json.dumps({"methods": sorted(methods)}))
        response.mimetype = "application/json"
    return response
