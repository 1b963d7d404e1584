"""The base of request bodies: one set of field definitions serves a resource's create, update and
replace, each saying which of them it requires and what the others default to."""

from marshmallow import EXCLUDE, Schema


class BodySchema(Schema):
    """Unknown fields are ignored, as Read the Docs ignores them. A subclass names in `REQUIRED` the
    inherited fields a body must carry, and in `DEFAULTS` what others load as when left out (a
    callable is called): set on each field as the schema binds it, so the OpenAPI description says it too."""

    REQUIRED: tuple[str, ...] = ()
    DEFAULTS: dict = {}

    class Meta:
        unknown = EXCLUDE

    def on_bind_field(self, field_name, field_obj) -> None:
        if field_name in self.REQUIRED:
            field_obj.required = True
        if field_name in self.DEFAULTS:
            field_obj.load_default = self.DEFAULTS[field_name]
