"""Events as data: the catalog of event classes, their outbound fields, which fields are secret, upcasting."""
