"""marshmallow schemas: each documents the OpenAPI spec, validates input and serializes output."""
