"""How a command is handled: the event-sourced application, loading, retries on conflicts, idempotency, who asked."""
