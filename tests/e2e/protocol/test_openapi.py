"""The OpenAPI description over real HTTP: valid, complete (every route, method and error answer),
public, with interactive documentation; and the errors the API really answers match its schema."""

from __future__ import annotations

import re

import pytest
from api.app import create_app
from e2e_support import SEED_PROJECT, assert_json, resolve
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

AUTOMATIC_METHODS = {"HEAD", "OPTIONS"}  # answered by Flask for every route
ALWAYS = {"400", "406", "413", "422", "429", "431", "503", "default"}
PUBLIC_PATHS = {"/api/v3/", "/api/v3/_health"}
# The health report answers its own (documented) body on 503, whose `message` is the Error format's.
OWN_ERROR_BODIES = {("/api/v3/_health", "get", "503")}


@pytest.fixture
def live(start_live_server):
    """The description does not depend on the storage backend."""
    return start_live_server("sqlite")


@pytest.fixture
def spec(live):
    return assert_json(live.get("/api/v3/openapi.json"), 200)


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


def test_the_document_is_valid_openapi(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_every_route_and_method_is_documented(live, spec):
    app = create_app(live.docsplane)  # the routes the live server serves
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v3/") or rule.endpoint.startswith(("api-docs.", "api-docs-assets.")):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        documented = set(spec["paths"].get(path, {}))
        missing += [f"{method} {path}" for method in rule.methods - AUTOMATIC_METHODS if method.lower() not in documented]
    assert not missing, missing


def test_every_operation_documents_its_error_answers(spec):
    for path, method, operation in operations(spec):
        codes = set(operation["responses"])
        public = operation["security"] == []
        expected = set(ALWAYS)
        expected |= set() if public else {"401", "403"}
        expected |= {"404"} if "{" in path else set()
        expected |= {"202", "409"} if method in ("post", "put", "patch", "delete") else set()
        expected |= {"412"} if method in ("put", "patch", "delete") else set()
        assert expected <= codes, (method, path, expected - codes)
        assert any(code.startswith("2") for code in codes), (method, path)
        for code in codes - {"202"}:
            if (code[0] in "45" or code == "default") and (path, method, code) not in OWN_ERROR_BODIES:
                assert _error_schema(spec, operation["responses"][code]) == {"$ref": "#/components/schemas/Error"}, (method, path, code)


def test_the_error_schema_is_the_seed_format(spec):
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"message", "errors"} and error["required"] == ["message"]
    detail = resolve(spec, error["properties"]["errors"]["items"])
    assert set(detail["properties"]) == {"resource", "field", "code", "message"}
    assert set(detail["properties"]["code"]["enum"]) == {"missing", "missing_field", "invalid", "already_exists"}


def test_real_error_answers_validate_against_the_documented_schema(live, spec):
    token = live.token("alice")
    validator = OAS30Validator({"$ref": "#/components/schemas/Error", "components": spec["components"]})
    answers = [
        live.get("/api/v3/projects/"),  # 401
        live.get("/api/v3/projects/nope/", token),  # 404
        live.post("/api/v3/projects/", token, json={}),  # 422
        live.get("/api/v3/projects/?fields=nope", token),  # 422
        live.post("/api/v3/projects/", token, data="{", headers={"Content-Type": "application/json"}),  # 400
    ]
    assert [a.status_code for a in answers] == [401, 404, 422, 422, 400]
    for answer in answers:
        validator.validate(answer.json())


def test_token_security_and_selection_parameters(spec):
    schemes = spec["components"]["securitySchemes"]
    assert schemes["Token"] == {"type": "apiKey", "in": "header", "name": "Authorization", "description": "`Token <token>`"}
    assert schemes["TokenCookie"]["in"] == "cookie"
    for path, method, operation in operations(spec):
        security = operation["security"]
        if path in PUBLIC_PATHS:
            assert security == [], f"{path} is public"
            continue
        assert {"Token": []} in security, (method, path)
        assert ({"TokenCookie": []} in security) == (method in ("get", "head")), (method, path)
        answers_json = any(code.startswith("2") and "content" in r for code, r in operation["responses"].items())
        if answers_json:
            names = {resolve(spec, p)["name"] for p in operation.get("parameters", [])}
            assert {"fields", "omit", "expand"} <= names, (method, path, names)


def test_interactive_documentation_is_public(live):
    for path in ("/api/v3/docs/", "/api/v3/docs"):
        response = live.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 200, (path, response.status_code)
        assert response.headers["Content-Type"].startswith("text/html")
        assert "swagger-ui" in response.text and "/api/v3/openapi.json" in response.text


def test_the_document_describes_the_responses_the_api_gives(live, spec):
    """A real detail answer validates against its documented schema (guards the schema, not just its presence)."""
    token = live.token("alice")
    project = assert_json(live.post("/api/v3/projects/", token, json=SEED_PROJECT), 201)
    schema = spec["paths"]["/api/v3/projects/{project_slug}/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    OAS30Validator({**schema, "components": spec["components"]}).validate(project)


def _error_schema(spec, response):
    return resolve(spec, response)["content"]["application/json"]["schema"]

