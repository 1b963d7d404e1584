"""How a command is handled: the event-sourced application and what each save does (who asked, its
Idempotency-Key claim, its outcome when the store goes away, its own commit met again on a retry),
loading, retries on conflicts, ids, secrets."""
