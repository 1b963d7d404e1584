"""The artifact store: where a successful build's output is kept and served from (never the event store)."""
