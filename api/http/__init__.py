"""HTTP conventions: request ids, User-Agent and Accept, bodies, ETags, Idempotency-Key, storable text."""
